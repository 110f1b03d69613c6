<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name>AgentTableModel</name>
    <message>
        <source>Agent</source>
        <translation>客服人員</translation>
    </message>
    <message>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>持續時間</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話數</translation>
    </message>
    <message>
        <source>AHT</source>
        <translation>平均處理時間</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>待命</translation>
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
        <source>Not ready</source>
        <translation>未就緒</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>已登出</translation>
    </message>
</context>
<context>
    <name>WallboardCharts</name>
    <message>
        <source>Calls waiting</source>
        <translation>等候中的來電</translation>
    </message>
    <message>
        <source>Service level, %</source>
        <translation>服務水準（%）</translation>
    </message>
    <message>
        <source>per 15 min</source>
        <translation>每 15 分鐘</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>進線</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>已接聽</translation>
    </message>
    <message>
        <source>abandoned</source>
        <translation>已放棄</translation>
    </message>
    <message>
        <source>available</source>
        <translation>待命</translation>
    </message>
    <message>
        <source>ringing</source>
        <translation>響鈴中</translation>
    </message>
    <message>
        <source>on call</source>
        <translation>通話中</translation>
    </message>
    <message>
        <source>wrap-up</source>
        <translation>話後處理</translation>
    </message>
    <message>
        <source>not ready</source>
        <translation>未就緒</translation>
    </message>
    <message>
        <source>Agents:</source>
        <translation>客服人員：</translation>
    </message>
</context>
<context>
    <name>WallboardWindow</name>
    <message>
        <source>Callboard wallboard</source>
        <translation>Callboard 電子看板</translation>
    </message>
    <message>
        <source>Callboard</source>
        <translation>Callboard</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>所有佇列</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 15 min</source>
        <translation>最近 15 分鐘</translation>
    </message>
    <message>
        <source>Last 30 min</source>
        <translation>最近 30 分鐘</translation>
    </message>
    <message>
        <source>Last 60 min</source>
        <translation>最近 60 分鐘</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>匯出 CSV…</translation>
    </message>
    <message>
        <source>Full screen (F11)</source>
        <translation>全螢幕（F11）</translation>
    </message>
    <message>
        <source>Calls waiting</source>
        <translation>等候中的來電</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>最長等候</translation>
    </message>
    <message>
        <source>Service level</source>
        <translation>服務水準</translation>
    </message>
    <message>
        <source>ASA</source>
        <translation>平均應答速度</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>放棄率</translation>
    </message>
    <message>
        <source>AHT</source>
        <translation>平均處理時間</translation>
    </message>
    <message>
        <source>FCR</source>
        <translation>首次解決率</translation>
    </message>
    <message>
        <source>CSAT</source>
        <translation>顧客滿意度</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>待命</translation>
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
        <source>Not ready</source>
        <translation>未就緒</translation>
    </message>
    <message>
        <source>✔ OK</source>
        <translation>✔ 正常</translation>
    </message>
    <message>
        <source>▲ WATCH</source>
        <translation>▲ 注意</translation>
    </message>
    <message>
        <source>✖ ALERT</source>
        <translation>✖ 警示</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>無資料</translation>
    </message>
    <message>
        <source>Updated %s</source>
        <translation>更新於 %s</translation>
    </message>
    <message>
        <source>Store not readable: %s</source>
        <translation>無法讀取資料庫：%s</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>數值</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>佇列</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>時間範圍</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Export failed: %s</source>
        <translation>匯出失敗：%s</translation>
    </message>
</context>
<context>
    <name>export</name>
    <message>
        <source>Export the wallboard as CSV</source>
        <translation>將看板匯出為 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 檔案（*.csv）</translation>
    </message>
</context>
</TS>
