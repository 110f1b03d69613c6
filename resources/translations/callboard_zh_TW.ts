<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name>AgentStatePanel</name>
    <message>
        <source>Logged out</source>
        <translation>已登出</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>待命</translation>
    </message>
    <message>
        <source>Not Ready</source>
        <translation>未就緒</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>響鈴中</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>通話中</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>話後處理</translation>
    </message>
    <message>
        <source>logged in</source>
        <translation>剛登入</translation>
    </message>
    <message>
        <source>resumed after restart</source>
        <translation>重新啟動後繼續</translation>
    </message>
    <message>
        <source>Agent state</source>
        <translation>客服人員狀態</translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation>狀態持續時間</translation>
    </message>
    <message>
        <source>State after this call</source>
        <translation>本通電話後的狀態</translation>
    </message>
    <message>
        <source>Set agent state</source>
        <translation>設定客服人員狀態</translation>
    </message>
    <message>
        <source>Available takes queue calls; Not Ready refuses them (480)</source>
        <translation>待命：接聽佇列來電；未就緒：拒接佇列來電（480）</translation>
    </message>
    <message>
        <source>Not Ready: %s</source>
        <translation>未就緒：%s</translation>
    </message>
    <message>
        <source>Set s&amp;tate:</source>
        <translation>設定狀態(&amp;T)：</translation>
    </message>
    <message>
        <source>for %s</source>
        <translation>已持續 %s</translation>
    </message>
    <message>
        <source>After this call: %s</source>
        <translation>本通電話後：%s</translation>
    </message>
</context>
<context>
    <name>CallAlerts</name>
    <message>
        <source>no SIP account</source>
        <translation>尚無 SIP 帳號</translation>
    </message>
    <message>
        <source>Callboard softphone
Phone: %s
Agent: %s</source>
        <translation>Callboard 軟體電話
電話：%s
客服人員：%s</translation>
    </message>
    <message>
        <source>From %s</source>
        <translation>來電者：%s</translation>
    </message>
    <message>
        <source>Queue: %s</source>
        <translation>佇列：%s</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>來電</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Call status</source>
        <translation>通話狀態</translation>
    </message>
    <message>
        <source>Call duration</source>
        <translation>通話時長</translation>
    </message>
    <message>
        <source>&amp;Hold</source>
        <translation>保留(&amp;H)</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Put the caller on hold, or resume</source>
        <translation>保留來電者，或恢復通話</translation>
    </message>
    <message>
        <source>&amp;Mute</source>
        <translation>靜音(&amp;M)</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>靜音</translation>
    </message>
    <message>
        <source>Stop sending your microphone</source>
        <translation>暫停傳送您的麥克風聲音</translation>
    </message>
    <message>
        <source>&amp;Keypad</source>
        <translation>撥號鍵盤(&amp;K)</translation>
    </message>
    <message>
        <source>Show keypad</source>
        <translation>顯示撥號鍵盤</translation>
    </message>
    <message>
        <source>Send tones to an IVR menu</source>
        <translation>向語音選單（IVR）送出按鍵音</translation>
    </message>
    <message>
        <source>&amp;Transfer…</source>
        <translation>轉接(&amp;T)…</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>轉接</translation>
    </message>
    <message>
        <source>Send the caller to an IVR menu or a colleague</source>
        <translation>將來電者轉給語音選單或同事</translation>
    </message>
    <message>
        <source>Hang &amp;up</source>
        <translation>掛斷(&amp;U)</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>掛斷</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>結束通話</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>麥克風音量</translation>
    </message>
    <message>
        <source>Earphone level</source>
        <translation>耳機音量</translation>
    </message>
    <message>
        <source>Transfer progress</source>
        <translation>轉接進度</translation>
    </message>
    <message>
        <source>Tone key</source>
        <translation>按鍵音</translation>
    </message>
    <message>
        <source>Consulting</source>
        <translation>諮詢中</translation>
    </message>
    <message>
        <source>Consulted party</source>
        <translation>諮詢對象</translation>
    </message>
    <message>
        <source>Com&amp;plete transfer</source>
        <translation>完成轉接(&amp;P)</translation>
    </message>
    <message>
        <source>Complete transfer</source>
        <translation>完成轉接</translation>
    </message>
    <message>
        <source>Join the caller with the person you consulted, and leave</source>
        <translation>讓來電者與諮詢對象通話，您則離開</translation>
    </message>
    <message>
        <source>S&amp;wap</source>
        <translation>切換(&amp;W)</translation>
    </message>
    <message>
        <source>Swap</source>
        <translation>切換</translation>
    </message>
    <message>
        <source>Talk to the other one: the caller or the person you consulted</source>
        <translation>改與另一方通話：來電者或諮詢對象</translation>
    </message>
    <message>
        <source>Back to &amp;caller</source>
        <translation>回到來電者(&amp;C)</translation>
    </message>
    <message>
        <source>Back to caller</source>
        <translation>回到來電者</translation>
    </message>
    <message>
        <source>Hang up the consult call and return to the caller</source>
        <translation>掛斷諮詢通話，回到來電者</translation>
    </message>
    <message>
        <source>Caller (on hold while you consult)</source>
        <translation>來電者（諮詢期間保留中）</translation>
    </message>
    <message>
        <source>Talking to %s before the transfer; the caller is on hold.</source>
        <translation>轉接前正與 %s 通話；來電者保留中。</translation>
    </message>
    <message>
        <source>Microphone volume</source>
        <translation>麥克風音量</translation>
    </message>
    <message>
        <source>How loud the caller hears you</source>
        <translation>來電者聽到您的音量</translation>
    </message>
    <message>
        <source>Earphone volume</source>
        <translation>耳機音量</translation>
    </message>
    <message>
        <source>How loud you hear the caller</source>
        <translation>您聽到來電者的音量</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>訊號強度</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麥克風</translation>
    </message>
    <message>
        <source>Earphones</source>
        <translation>耳機</translation>
    </message>
    <message>
        <source>Talking with</source>
        <translation>通話對象</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>保留中</translation>
    </message>
    <message>
        <source>Held by the other side</source>
        <translation>對方已保留通話</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已接通</translation>
    </message>
    <message>
        <source>Calling…</source>
        <translation>撥號中…</translation>
    </message>
    <message>
        <source>, muted</source>
        <translation>，已靜音</translation>
    </message>
    <message>
        <source>R&amp;esume</source>
        <translation>恢復通話(&amp;E)</translation>
    </message>
</context>
<context>
    <name>ContextView</name>
    <message>
        <source>Caller context</source>
        <translation>來電者資訊</translation>
    </message>
    <message>
        <source>None sent with this call.</source>
        <translation>此通來電未附帶資訊。</translation>
    </message>
</context>
<context>
    <name>DialPanel</name>
    <message>
        <source>Number, tel: or sip: address</source>
        <translation>電話號碼、tel: 或 sip: 位址</translation>
    </message>
    <message>
        <source>Number to dial</source>
        <translation>要撥打的號碼</translation>
    </message>
    <message>
        <source>Paste numbers with spaces or dashes, tel:+1555… or sip:1002@pbx</source>
        <translation>可貼上含空格或破折號的號碼、tel:+1555… 或 sip:1002@pbx</translation>
    </message>
    <message>
        <source>Dialling problem</source>
        <translation>撥號問題</translation>
    </message>
    <message>
        <source>&amp;Dial</source>
        <translation>撥號(&amp;D)</translation>
    </message>
    <message>
        <source>Dial</source>
        <translation>撥號</translation>
    </message>
    <message>
        <source>Call the number in the field</source>
        <translation>撥打欄位中的號碼</translation>
    </message>
    <message>
        <source>Dial pad key</source>
        <translation>撥號鍵</translation>
    </message>
    <message>
        <source>&amp;Number:</source>
        <translation>號碼(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>HeadsetNotice</name>
    <message>
        <source>&amp;Switch back</source>
        <translation>切換回去(&amp;S)</translation>
    </message>
    <message>
        <source>Switch back to the headset</source>
        <translation>切換回耳機</translation>
    </message>
    <message>
        <source>Dismiss the headset notice</source>
        <translation>關閉耳機提示</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>關閉提示</translation>
    </message>
    <message>
        <source>Your headset ({0}) is gone. Calls now use the computer&apos;s default microphone and speakers.</source>
        <translation>您的耳機（{0}）已中斷連線。通話現在改用電腦預設的麥克風與喇叭。</translation>
    </message>
    <message>
        <source>Your headset ({0}) is back.</source>
        <translation>您的耳機（{0}）已重新連接。</translation>
    </message>
</context>
<context>
    <name>HeadsetTestPanel</name>
    <message>
        <source>Headset test status</source>
        <translation>耳機測試狀態</translation>
    </message>
    <message>
        <source>Stop the &amp;headset test</source>
        <translation>停止耳機測試(&amp;H)</translation>
    </message>
    <message>
        <source>Microphone level during the test</source>
        <translation>測試時的麥克風訊號強度</translation>
    </message>
    <message>
        <source>Stop the headset test</source>
        <translation>停止耳機測試</translation>
    </message>
    <message>
        <source>Starting the test…</source>
        <translation>正在開始測試…</translation>
    </message>
    <message>
        <source>Playing a tone: you should hear it in your earphones.</source>
        <translation>正在播放測試音：您應該會在耳機中聽到。</translation>
    </message>
    <message>
        <source>Speak now: recording 3 seconds…</source>
        <translation>請開始說話：錄音 3 秒…</translation>
    </message>
    <message>
        <source>Playing back what we recorded: you should hear your voice.</source>
        <translation>正在播放剛才的錄音：您應該會聽到自己的聲音。</translation>
    </message>
    <message>
        <source>We heard nothing from your microphone; check it is plugged in and not muted.</source>
        <translation>我們沒有聽到麥克風的聲音；請確認麥克風已插好且未靜音。</translation>
    </message>
    <message>
        <source>Done. Did you hear yourself?</source>
        <translation>完成。您有聽到自己的聲音嗎？</translation>
    </message>
    <message>
        <source>The test did not work: %s</source>
        <translation>測試未能完成：%s</translation>
    </message>
    <message>
        <source>Test stopped: a call started.</source>
        <translation>測試已停止：有通話開始了。</translation>
    </message>
    <message>
        <source>Test stopped.</source>
        <translation>測試已停止。</translation>
    </message>
    <message>
        <source>Test my &amp;headset</source>
        <translation>測試我的耳機(&amp;H)</translation>
    </message>
    <message>
        <source>Test my headset</source>
        <translation>測試我的耳機</translation>
    </message>
    <message>
        <source>A tone, then 3 seconds of your voice recorded and played back</source>
        <translation>先播放測試音，再錄下您 3 秒的聲音並播放出來</translation>
    </message>
    <message>
        <source>A tone, then 3 seconds of your voice played back.</source>
        <translation>先播放測試音，再播放您 3 秒的錄音。</translation>
    </message>
    <message>
        <source>The headset can be tested when no call is up.</source>
        <translation>沒有通話時才能測試耳機。</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>caller hung up</source>
        <translation>來電者掛斷</translation>
    </message>
    <message>
        <source>agent hung up</source>
        <translation>客服人員掛斷</translation>
    </message>
    <message>
        <source>transferred</source>
        <translation>已轉接</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>已拒接</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>無人接聽</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>忙線</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已略過</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>已逾時</translation>
    </message>
    <message>
        <source>Call history</source>
        <translation>通話紀錄</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Party</source>
        <translation>對象</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>時長</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>處理結果</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>Call &amp;back</source>
        <translation>回撥(&amp;B)</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>回撥</translation>
    </message>
    <message>
        <source>Dial the party of the selected call</source>
        <translation>撥打所選通話的對象</translation>
    </message>
    <message>
        <source>History problem</source>
        <translation>通話紀錄問題</translation>
    </message>
    <message>
        <source>Recent calls</source>
        <translation>最近通話</translation>
    </message>
    <message>
        <source>History unavailable: %s</source>
        <translation>無法讀取通話紀錄：%s</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>進行中</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Calling…</source>
        <translation>撥號中…</translation>
    </message>
    <message>
        <source>Ringing at the other end…</source>
        <translation>對方響鈴中…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>連線中…</translation>
    </message>
    <message>
        <source>Callboard softphone: %s</source>
        <translation>Callboard 軟體電話：%s</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>電話(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>設定(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>通話(&amp;C)</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>接聽</translation>
    </message>
    <message>
        <source>Hang up / Reject</source>
        <translation>掛斷／拒接</translation>
    </message>
    <message>
        <source>Hold / Resume</source>
        <translation>保留／恢復</translation>
    </message>
    <message>
        <source>Mute / Unmute</source>
        <translation>靜音／取消靜音</translation>
    </message>
    <message>
        <source>Transfer…</source>
        <translation>轉接…</translation>
    </message>
    <message>
        <source>Go to the number field</source>
        <translation>移至號碼欄位</translation>
    </message>
    <message>
        <source>No profile folder: start with --profile DIR.</source>
        <translation>沒有設定檔資料夾：請以 --profile DIR 啟動。</translation>
    </message>
    <message>
        <source>The volume was not saved: %s</source>
        <translation>音量未儲存：%s</translation>
    </message>
    <message>
        <source>There is no answered call to transfer.</source>
        <translation>沒有已接聽的通話可以轉接。</translation>
    </message>
    <message>
        <source>Call with %s</source>
        <translation>與 %s 的通話</translation>
    </message>
    <message>
        <source>, queue %s</source>
        <translation>，佇列 %s</translation>
    </message>
    <message>
        <source>, talked %s</source>
        <translation>，通話 %s</translation>
    </message>
</context>
<context>
    <name>RingingPanel</name>
    <message>
        <source>Incoming call</source>
        <translation>來電</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>自動接聽</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>接聽(&amp;A)</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>接聽</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>接聽來電</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>拒接(&amp;R)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒接</translation>
    </message>
    <message>
        <source>Refuse the call</source>
        <translation>拒絕這通來電</translation>
    </message>
    <message>
        <source>Answering automatically in %d s</source>
        <translation>%d 秒後自動接聽</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>SIP address</source>
        <translation>SIP 位址</translation>
    </message>
    <message>
        <source>Registrar</source>
        <translation>註冊伺服器</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>傳輸協定</translation>
    </message>
    <message>
        <source>SRTP</source>
        <translation>SRTP</translation>
    </message>
    <message>
        <source>Registration interval</source>
        <translation>註冊間隔</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>鍵盤</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>選用</translation>
    </message>
    <message>
        <source>Mandatory</source>
        <translation>必要</translation>
    </message>
    <message>
        <source>Time-boxed</source>
        <translation>限時</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系統語言</translation>
    </message>
    <message>
        <source>Softphone settings</source>
        <translation>軟體電話設定</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>設定頁面</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>帳號(&amp;A)</translation>
    </message>
    <message>
        <source>Ca&amp;lls</source>
        <translation>通話(&amp;L)</translation>
    </message>
    <message>
        <source>Au&amp;dio</source>
        <translation>音訊(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Keyboard and language</source>
        <translation>鍵盤與語言(&amp;K)</translation>
    </message>
    <message>
        <source>Au&amp;tomation</source>
        <translation>自動化(&amp;T)</translation>
    </message>
    <message>
        <source>Settings problem</source>
        <translation>設定問題</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>儲存設定</translation>
    </message>
    <message>
        <source>Cancel settings</source>
        <translation>取消設定</translation>
    </message>
    <message>
        <source>SIP account</source>
        <translation>SIP 帳號</translation>
    </message>
    <message>
        <source>sip:pbx.example:5060 (empty: the address&apos;s domain)</source>
        <translation>sip:pbx.example:5060（空白：使用位址的網域）</translation>
    </message>
    <message>
        <source>Authentication user</source>
        <translation>驗證使用者</translation>
    </message>
    <message>
        <source>empty: the address&apos;s user part</source>
        <translation>空白：使用位址的使用者名稱</translation>
    </message>
    <message>
        <source>empty: keep the password in the keychain</source>
        <translation>空白：沿用鑰匙圈中的密碼</translation>
    </message>
    <message>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>驗證伺服器的 TLS 憑證</translation>
    </message>
    <message>
        <source>Verify TLS certificate</source>
        <translation>驗證 TLS 憑證</translation>
    </message>
    <message>
        <source>Not verifying lets anyone on the network pose as the PBX.</source>
        <translation>不驗證時，網路上任何人都能假冒交換機（PBX）。</translation>
    </message>
    <message>
        <source>SIP &amp;address:</source>
        <translation>SIP 位址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Registrar:</source>
        <translation>註冊伺服器(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>使用者(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密碼(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Transport:</source>
        <translation>傳輸協定(&amp;T)：</translation>
    </message>
    <message>
        <source>S&amp;RTP:</source>
        <translation>S&amp;RTP：</translation>
    </message>
    <message>
        <source>Calls and wrap-up</source>
        <translation>通話與話後處理</translation>
    </message>
    <message>
        <source>Wrap-up mode</source>
        <translation>話後處理模式</translation>
    </message>
    <message>
        <source>Wrap-up time box</source>
        <translation>話後處理時限</translation>
    </message>
    <message>
        <source>Used in time_boxed mode</source>
        <translation>用於「限時」模式</translation>
    </message>
    <message>
        <source>Answer calls automatically after</source>
        <translation>自動接聽，延遲</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>自動接聽</translation>
    </message>
    <message>
        <source>Auto-answer delay</source>
        <translation>自動接聽延遲</translation>
    </message>
    <message>
        <source>Caller context headers</source>
        <translation>來電者資訊標頭</translation>
    </message>
    <message>
        <source>Comma-separated; a name ending in * matches a prefix</source>
        <translation>以逗號分隔；名稱以 * 結尾時比對字首</translation>
    </message>
    <message>
        <source>&amp;Wrap-up mode:</source>
        <translation>話後處理模式(&amp;W)：</translation>
    </message>
    <message>
        <source>Time &amp;box:</source>
        <translation>時限(&amp;B)：</translation>
    </message>
    <message>
        <source>Auto-answer:</source>
        <translation>自動接聽：</translation>
    </message>
    <message>
        <source>&amp;Context headers:</source>
        <translation>資訊標頭(&amp;C)：</translation>
    </message>
    <message>
        <source>Headset</source>
        <translation>耳機</translation>
    </message>
    <message>
        <source>Microphone device</source>
        <translation>麥克風裝置</translation>
    </message>
    <message>
        <source>The headset&apos;s microphone, by name</source>
        <translation>耳機麥克風（依名稱）</translation>
    </message>
    <message>
        <source>Earphone device</source>
        <translation>耳機裝置</translation>
    </message>
    <message>
        <source>The headset&apos;s earphones, by name</source>
        <translation>耳機聽筒（依名稱）</translation>
    </message>
    <message>
        <source>Ringer device</source>
        <translation>響鈴裝置</translation>
    </message>
    <message>
        <source>The speaker that rings on an incoming call, by name</source>
        <translation>來電時響鈴的喇叭（依名稱）</translation>
    </message>
    <message>
        <source>&amp;Microphone:</source>
        <translation>麥克風(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Earphones:</source>
        <translation>耳機(&amp;E)：</translation>
    </message>
    <message>
        <source>Microphone volume</source>
        <translation>麥克風音量</translation>
    </message>
    <message>
        <source>How loud the caller hears you; 100 % is what the microphone gives</source>
        <translation>來電者聽到您的音量；100 % 為麥克風原本的音量</translation>
    </message>
    <message>
        <source>Earphone volume</source>
        <translation>耳機音量</translation>
    </message>
    <message>
        <source>How loud you hear the caller; 100 % is what the call brings</source>
        <translation>您聽到來電者的音量；100 % 為通話原本的音量</translation>
    </message>
    <message>
        <source>Microphone &amp;volume:</source>
        <translation>麥克風音量(&amp;V)：</translation>
    </message>
    <message>
        <source>Ear&amp;phone volume:</source>
        <translation>耳機音量(&amp;P)：</translation>
    </message>
    <message>
        <source>Ca&amp;ncel echo</source>
        <translation>消除回音(&amp;N)</translation>
    </message>
    <message>
        <source>Echo cancellation</source>
        <translation>回音消除</translation>
    </message>
    <message>
        <source>Keep the caller from hearing themselves through the earphones&apos; leak</source>
        <translation>避免來電者從耳機漏出的聲音聽到自己的回音</translation>
    </message>
    <message>
        <source>Echo:</source>
        <translation>回音：</translation>
    </message>
    <message>
        <source>Re&amp;fresh the device lists</source>
        <translation>重新整理裝置清單(&amp;F)</translation>
    </message>
    <message>
        <source>Refresh the device lists</source>
        <translation>重新整理裝置清單</translation>
    </message>
    <message>
        <source>List the headsets plugged in now (the lists also follow the system)</source>
        <translation>列出目前已接上的耳機（清單也會隨系統自動更新）</translation>
    </message>
    <message>
        <source>on</source>
        <translation>開啟</translation>
    </message>
    <message>
        <source>off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>on when the softphone runs without a window (--headless)</source>
        <translation>在無視窗模式（--headless）下開啟</translation>
    </message>
    <message>
        <source>a free port</source>
        <translation>任一可用連接埠</translation>
    </message>
    <message>
        <source>The automation API lets a CRM on this computer take and place calls. It listens on %s, port %s, and is %s (profile: cti.enabled). Each request must carry the token below.</source>
        <translation>自動化 API 讓本機的 CRM 接聽與撥打電話。它在 %s 的連接埠 %s 上接聽，目前為%s（設定檔：cti.enabled）。每個請求都必須附上下方的權杖。</translation>
    </message>
    <message>
        <source>Token file</source>
        <translation>權杖檔案</translation>
    </message>
    <message>
        <source>Token file (readable by you only):</source>
        <translation>權杖檔案（僅限您本人可讀取）：</translation>
    </message>
    <message>
        <source>&amp;Copy token</source>
        <translation>複製權杖(&amp;C)</translation>
    </message>
    <message>
        <source>Copy token</source>
        <translation>複製權杖</translation>
    </message>
    <message>
        <source>Copy the API token to the clipboard, for the CRM&apos;s settings</source>
        <translation>將 API 權杖複製到剪貼簿，以填入 CRM 的設定</translation>
    </message>
    <message>
        <source>Token status</source>
        <translation>權杖狀態</translation>
    </message>
    <message>
        <source>The token could not be read: %s</source>
        <translation>無法讀取權杖：%s</translation>
    </message>
    <message>
        <source>Token copied. Paste it into the CRM&apos;s settings.</source>
        <translation>已複製權杖。請貼到 CRM 的設定中。</translation>
    </message>
    <message>
        <source>(system default)</source>
        <translation>（系統預設）</translation>
    </message>
    <message>
        <source>R&amp;inger:</source>
        <translation>響鈴裝置(&amp;I)：</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>La&amp;nguage:</source>
        <translation>語言(&amp;N)：</translation>
    </message>
    <message>
        <source>A new language shows after a restart.</source>
        <translation>變更語言後，重新啟動才會生效。</translation>
    </message>
    <message>
        <source>Call shortcuts</source>
        <translation>通話快速鍵</translation>
    </message>
    <message>
        <source>%s: %s</source>
        <translation>%s：%s</translation>
    </message>
    <message>
        <source>type the SIP address, like sip:1001@pbx</source>
        <translation>請輸入 SIP 位址，例如 sip:1001@pbx</translation>
    </message>
    <message>
        <source>Password used for this session only: %s</source>
        <translation>密碼僅用於本次執行：%s</translation>
    </message>
    <message>
        <source>the keychain has none for this address: type it</source>
        <translation>鑰匙圈中沒有此位址的密碼：請輸入</translation>
    </message>
    <message>
        <source>Not saved. %s</source>
        <translation>未儲存。%s</translation>
    </message>
</context>
<context>
    <name>ShortcutEditor</name>
    <message>
        <source>Go to the number field</source>
        <translation>移至號碼欄位</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>接聽</translation>
    </message>
    <message>
        <source>Hang up / Reject</source>
        <translation>掛斷／拒接</translation>
    </message>
    <message>
        <source>Hold / Resume</source>
        <translation>保留／恢復</translation>
    </message>
    <message>
        <source>Mute / Unmute</source>
        <translation>靜音／取消靜音</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>轉接</translation>
    </message>
    <message>
        <source>Shortcut for %s</source>
        <translation>%s的快速鍵</translation>
    </message>
    <message>
        <source>Click, then press the keys; clear it for no shortcut</source>
        <translation>點一下後按下按鍵；清除即不設快速鍵</translation>
    </message>
    <message>
        <source>the shortcut for %s, %s, is already the key of %s</source>
        <translation>%s的快速鍵 %s 已經用於%s</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Phone: no SIP account (open Settings)</source>
        <translation>電話：尚無 SIP 帳號（請開啟設定）</translation>
    </message>
    <message>
        <source>Registration status</source>
        <translation>註冊狀態</translation>
    </message>
    <message>
        <source>Store status</source>
        <translation>資料儲存狀態</translation>
    </message>
    <message>
        <source>Phone: %s</source>
        <translation>電話：%s</translation>
    </message>
    <message>
        <source>Registered (%d %s)</source>
        <translation>已註冊（%d %s）</translation>
    </message>
    <message>
        <source>Registering…</source>
        <translation>註冊中…</translation>
    </message>
    <message>
        <source>Not registered</source>
        <translation>未註冊</translation>
    </message>
    <message>
        <source>Registration failed: %d %s</source>
        <translation>註冊失敗：%d %s</translation>
    </message>
    <message>
        <source>; retrying in %d s</source>
        <translation>；%d 秒後重試</translation>
    </message>
    <message>
        <source>History not saved: %s (%d fact(s) kept in memory, retrying)</source>
        <translation>通話紀錄未儲存：%s（%d 筆暫存於記憶體，重試中）</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer the caller</source>
        <translation>轉接來電者</translation>
    </message>
    <message>
        <source>Transfer target</source>
        <translation>轉接對象</translation>
    </message>
    <message>
        <source>A menu from the list, a colleague&apos;s number, or a SIP address</source>
        <translation>清單中的選單、同事的分機號碼或 SIP 位址</translation>
    </message>
    <message>
        <source>&amp;Transfer to:</source>
        <translation>轉接到(&amp;T)：</translation>
    </message>
    <message>
        <source>Transfer problem</source>
        <translation>轉接問題</translation>
    </message>
    <message>
        <source>Transfer &amp;now</source>
        <translation>立即轉接(&amp;N)</translation>
    </message>
    <message>
        <source>Transfer now</source>
        <translation>立即轉接</translation>
    </message>
    <message>
        <source>Send the caller to the target and leave the call</source>
        <translation>將來電者轉給對象，並離開通話</translation>
    </message>
    <message>
        <source>&amp;Consult first</source>
        <translation>先諮詢(&amp;C)</translation>
    </message>
    <message>
        <source>Consult first</source>
        <translation>先諮詢</translation>
    </message>
    <message>
        <source>Hold the caller and talk to the target before transferring</source>
        <translation>先保留來電者，與對象通話後再轉接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stay with the caller</source>
        <translation>繼續與來電者通話</translation>
    </message>
    <message>
        <source>Choose a menu or type a number first.</source>
        <translation>請先選擇選單或輸入號碼。</translation>
    </message>
</context>
<context>
    <name>WrapUpForm</name>
    <message>
        <source>After-call work</source>
        <translation>話後處理</translation>
    </message>
    <message>
        <source>Call being wrapped up</source>
        <translation>正在處理的通話</translation>
    </message>
    <message>
        <source>Time left for wrap-up</source>
        <translation>話後處理剩餘時間</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>處理結果</translation>
    </message>
    <message>
        <source>How the call ended</source>
        <translation>通話的處理結果</translation>
    </message>
    <message>
        <source>(choose a disposition)</source>
        <translation>（請選擇處理結果）</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>What was the call about? What was agreed?</source>
        <translation>這通電話的內容？雙方約定了什麼？</translation>
    </message>
    <message>
        <source>Wrap-up problem</source>
        <translation>話後處理問題</translation>
    </message>
    <message>
        <source>&amp;Resolved on this call</source>
        <translation>本次通話已解決(&amp;R)</translation>
    </message>
    <message>
        <source>Resolved on this call</source>
        <translation>本次通話已解決</translation>
    </message>
    <message>
        <source>&amp;Call the customer back at</source>
        <translation>回電給客戶，時間(&amp;C)</translation>
    </message>
    <message>
        <source>Follow-up call</source>
        <translation>後續回電</translation>
    </message>
    <message>
        <source>Unchecked: no follow-up</source>
        <translation>未勾選：不需後續回電</translation>
    </message>
    <message>
        <source>Follow-up date and time</source>
        <translation>回電日期與時間</translation>
    </message>
    <message>
        <source>&amp;Submit</source>
        <translation>提交(&amp;S)</translation>
    </message>
    <message>
        <source>Submit wrap-up</source>
        <translation>提交話後處理</translation>
    </message>
    <message>
        <source>S&amp;kip</source>
        <translation>略過(&amp;K)</translation>
    </message>
    <message>
        <source>Skip wrap-up</source>
        <translation>略過話後處理</translation>
    </message>
    <message>
        <source>Leave without a disposition</source>
        <translation>不填處理結果就離開</translation>
    </message>
    <message>
        <source>&amp;Disposition:</source>
        <translation>處理結果(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>備註(&amp;N)：</translation>
    </message>
    <message>
        <source>Follow-up:</source>
        <translation>後續：</translation>
    </message>
    <message>
        <source>The call ended; this is its after-call work.</source>
        <translation>通話已結束；請完成話後處理。</translation>
    </message>
    <message>
        <source>%s left</source>
        <translation>剩餘 %s</translation>
    </message>
</context>
<context>
    <name>_Heading</name>
    <message>
        <source>Caller</source>
        <translation>來電者</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>佇列</translation>
    </message>
    <message>
        <source>Queue: %s</source>
        <translation>佇列：%s</translation>
    </message>
    <message>
        <source>Direct call (no queue)</source>
        <translation>直撥來電（非佇列）</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <source>%s
Password for %s:</source>
        <translation>%s
%s 的密碼：</translation>
    </message>
    <message>
        <source>The keychain has no password for this account.</source>
        <translation>鑰匙圈中沒有此帳號的密碼。</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>Break</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>Lunch</source>
        <translation>午餐</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>會議</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>訓練</translation>
    </message>
    <message>
        <source>Coaching</source>
        <translation>輔導</translation>
    </message>
    <message>
        <source>Outbound calls</source>
        <translation>外撥作業</translation>
    </message>
    <message>
        <source>Back-office work</source>
        <translation>後勤作業</translation>
    </message>
    <message>
        <source>Technical issue</source>
        <translation>技術問題</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解決</translation>
    </message>
    <message>
        <source>Information given</source>
        <translation>已提供資訊</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>成交</translation>
    </message>
    <message>
        <source>Complaint logged</source>
        <translation>已登錄客訴</translation>
    </message>
    <message>
        <source>Callback scheduled</source>
        <translation>已安排回電</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已轉呈上級</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已轉接</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>打錯電話</translation>
    </message>
    <message>
        <source>No response from caller</source>
        <translation>來電者無回應</translation>
    </message>
</context>
</TS>
