#!/bin/sh
# Install Callboard (softphone and supervisor) for the current user; no root needed.
#
#   ./install.sh                  install into ~/.local (programs in ~/.local/opt/callboard)
#   ./install.sh --prefix DIR     install into DIR/opt/callboard, DIR/bin, DIR/share
#   ./install.sh --uninstall      remove what an install put there (add --prefix DIR if used)
#
# Commands: callboard-softphone and callboard-supervisor in PREFIX/bin. Menu
# entries in PREFIX/share/applications; the softphone opens sip: and tel:
# links (made the default handler with xdg-mime, where it is installed).
# Profiles, the store and logs live in the user's folders and are never
# touched here, not even by --uninstall.
set -eu

prefix="${HOME}/.local"
action=install

usage() {
    sed -n '2,12s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
                  prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac
opt="$prefix/opt/callboard"
bin="$prefix/bin"
apps="$prefix/share/applications"
icons="$prefix/share/icons/hicolor"
here="$(cd "$(dirname "$0")" && pwd)"

refresh_menus() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$apps" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icons/index.theme" ]; then
        gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
    fi
}

uninstall() {
    for program in softphone supervisor; do
        link="$bin/callboard-$program"
        # Only our own links: a file of that name made by something else stays.
        if [ -L "$link" ] && [ "$(readlink "$link")" = "$opt/$program" ]; then
            rm -f "$link"
        fi
        rm -f "$apps/callboard-$program.desktop"
        rm -f "$icons"/*/apps/"callboard-$program.png"
    done
    rm -rf "$opt"
    refresh_menus
    echo "Callboard removed from $prefix."
    echo "Your profiles, store and logs were kept (see the README: where files live)."
}

install() {
    if [ ! -x "$here/callboard/softphone" ] || [ ! -x "$here/callboard/supervisor" ]; then
        echo "install.sh: no callboard/ bundle beside this script: run it from the unpacked archive" >&2
        exit 1
    fi
    mkdir -p "$prefix/opt" "$bin" "$apps"
    # Copy beside, then swap: a running softphone keeps its files until it exits.
    rm -rf "$opt.new" "$opt.old"
    cp -R "$here/callboard" "$opt.new"
    if [ -e "$opt" ]; then mv "$opt" "$opt.old"; fi
    mv "$opt.new" "$opt"
    rm -rf "$opt.old"
    for program in softphone supervisor; do
        ln -sfn "$opt/$program" "$bin/callboard-$program"
        sed "s|@BIN@|$bin|g" "$here/share/applications/callboard-$program.desktop" \
            > "$apps/callboard-$program.desktop"
    done
    for png in "$here"/share/icons/hicolor/*/apps/*.png; do
        size="$(basename "$(dirname "$(dirname "$png")")")"
        mkdir -p "$icons/$size/apps"
        cp "$png" "$icons/$size/apps/"
    done
    refresh_menus
    if command -v xdg-mime >/dev/null 2>&1; then
        xdg-mime default callboard-softphone.desktop x-scheme-handler/sip x-scheme-handler/tel \
            2>/dev/null || echo "Note: xdg-mime could not make the softphone open sip: and tel: links."
    else
        echo "Note: xdg-mime is not installed: choose Callboard Softphone for sip: and tel: links in your desktop's settings."
    fi
    echo "Callboard installed in $opt."
    echo "  Start it from the menu (Callboard Softphone, Callboard Supervisor), or run"
    echo "  $bin/callboard-softphone --self-test"
    case ":${PATH}:" in
        *":$bin:"*) ;;
        *) echo "  ($bin is not on your PATH: add it to run the commands by name.)" ;;
    esac
    if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libportaudio\.so\.2'; then
        echo "Warning: PortAudio is missing: calls will have no sound. Install it, e.g."
        echo "  sudo apt install libportaudio2    (Debian, Ubuntu)"
        echo "  sudo dnf install portaudio        (Fedora)"
    fi
}

"$action"
