; Inno Setup script: a per-user installer of dist\callboard (no administrator rights).
;   iscc /DAppVersion=0.1.0 packaging\windows\callboard.iss
; Installs into %LOCALAPPDATA%\Programs\Callboard, adds Start menu entries for
; both programs, and registers the softphone as the handler of sip: and tel:
; links for this user (HKCU\Software\Classes). Uninstalling removes all of it;
; profiles, the store and logs (%LOCALAPPDATA%\Callboard) are kept.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F0B7C1E-3C5A-4E0B-9B7E-CA11B0A2D001}
AppName=Callboard
AppVersion={#AppVersion}
AppPublisher=Callboard
DefaultDirName={localappdata}\Programs\Callboard
DefaultGroupName=Callboard
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=callboard-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\pyinstaller\callboard\icons\softphone.ico
UninstallDisplayIcon={app}\softphone.exe
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes
ChangesEnvironment=no

[Files]
Source: "..\..\dist\callboard\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Callboard Softphone"; Filename: "{app}\softphone.exe"
Name: "{group}\Callboard Supervisor"; Filename: "{app}\supervisor.exe"
Name: "{group}\Uninstall Callboard"; Filename: "{uninstallexe}"

[Registry]
; sip: and tel: links open the softphone, which dials them (or hands them to the running one).
Root: HKCU; Subkey: "Software\Classes\sip"; ValueType: string; ValueName: ""; ValueData: "URL:SIP Protocol"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\sip"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\sip\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\softphone.exe"",0"
Root: HKCU; Subkey: "Software\Classes\sip\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\softphone.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:Telephone Protocol"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\tel\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\softphone.exe"",0"
Root: HKCU; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\softphone.exe"" ""%1"""

[Run]
Filename: "{app}\softphone.exe"; Description: "Start Callboard Softphone"; Flags: nowait postinstall skipifsilent
