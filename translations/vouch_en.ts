<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>vouch::ui::AlertsModel</name>
    <message>
        <location filename="../ui/alertspanel.cpp" line="+44"/>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>high</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+34"/>
        <source>✔ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>… %1 (queued)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>… %1 (retrying: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>… %1 (retrying)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✘ %1 (failed: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>✘ %1 (failed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+70"/>
        <source>(%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>, acknowledged by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, acknowledged by %1: “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation type="unfinished">State</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delivery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::AlertsPanel</name>
    <message>
        <location line="+14"/>
        <source>Acknowledge…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+16"/>
        <source>All severities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+38"/>
        <source>All sections</source>
        <translation type="unfinished">All sections</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Section:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Severity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+63"/>
        <location line="+107"/>
        <source>The state store cannot be opened: %1</source>
        <translation type="unfinished">The state store cannot be opened: %1</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Vouch: %1 alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Acknowledge alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A note for the people who follow this alert (recorded with your name):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The alert could not be acknowledged.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::DecisionDialog</name>
    <message>
        <location filename="../ui/approvedialog.cpp" line="+52"/>
        <source>Approve with caveats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The report publishes with these caveats. They are recorded with your name in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Caveat for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Optional caveat for the whole report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole report:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hold the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The report is held and does not publish. The reason is recorded with your name in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Why the report is held (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hold</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::DeliveryWorker</name>
    <message>
        <location filename="../ui/deliveryservice.h" line="+53"/>
        <source>Alerts cannot be delivered: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::DetailPane</name>
    <message>
        <location filename="../ui/detailpane.cpp" line="+46"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Select an alert or a section to see what it means and what to do next.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Can publish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needs a caveat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Root cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fallbacks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Caveat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fallback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1: %2</source>
        <translation type="unfinished">%1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing it rests on has failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Next step:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun from %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::GraphView</name>
    <message>
        <location filename="../ui/graph/graphview.cpp" line="+116"/>
        <source>Reporting path graph</source>
        <translation>Reporting path graph</translation>
    </message>
    <message>
        <location line="+588"/>
        <source>group %1</source>
        <translation>group %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>owner %1</source>
        <translation>owner %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>attempt %1</source>
        <translation>attempt %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>try %1</source>
        <translation>try %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Group %1</source>
        <translation>Group %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Double-click to expand</source>
        <translation>Double-click to expand</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No reporting path to show.</source>
        <translation>No reporting path to show.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Laying out the reporting path…</source>
        <translation>Laying out the reporting path…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing to show: the section filter leaves no nodes.</source>
        <translation>Nothing to show: the section filter leaves no nodes.</translation>
    </message>
</context>
<context>
    <name>vouch::ui::HistoryPage</name>
    <message>
        <location filename="../ui/historypage.cpp" line="+226"/>
        <location line="+129"/>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-128"/>
        <location line="+129"/>
        <source>No report loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-122"/>
        <source>Completion time after the period&apos;s end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+367"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-365"/>
        <source>publish_by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>late</source>
        <translation type="unfinished">late</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>On-time rate, rolling %n periods</source>
        <translation>
            <numerusform>On-time rate, rolling %n period</numerusform>
            <numerusform>On-time rate, rolling %n periods</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>% on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+295"/>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-293"/>
        <location line="+331"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-327"/>
        <source>median to p90</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>median</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>p90</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Checks that warned or failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+2"/>
        <source>checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Duration of:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+52"/>
        <source>History of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+129"/>
        <source>Could not read the history: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No runs of %1 yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Periods %1 to %2 (%3 runs). publish_by is %4 hours after each week ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Duration of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+36"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::Inspector</name>
    <message>
        <location filename="../ui/inspector.cpp" line="+42"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+49"/>
        <source># load time: modification time of</source>
        <translation># load time: modification time of</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- load time</source>
        <translation>-- load time</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>-- value</source>
        <translation>-- value</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- reference</source>
        <translation>-- reference</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- sample failing rows</source>
        <translation>-- sample failing rows</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>block the report</source>
        <translation>block the report</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>hold this section</source>
        <translation>hold this section</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation>publish with a caveat</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Select a node in the graph to see its state, its log and what it means for the report.</source>
        <translation>Select a node in the graph to see its state, its log and what it means for the report.</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Kind:</source>
        <translation>Kind:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group:</source>
        <translation>Group:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner:</source>
        <translation>Owner:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempt:</source>
        <translation>Attempt:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started:</source>
        <translation>Started:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished:</source>
        <translation>Finished:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration:</source>
        <translation>Duration:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Value:</source>
        <translation>Value:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reference:</source>
        <translation>Reference:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warn if:</source>
        <translation>Warn if:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fail if:</source>
        <translation>Fail if:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample failing rows:</source>
        <translation>Sample failing rows:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Freshness</source>
        <translation>Freshness</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Verdict:</source>
        <translation>Verdict:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Age:</source>
        <translation>Age:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warn after:</source>
        <translation>Warn after:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fail after:</source>
        <translation>Fail after:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last load:</source>
        <translation>Last load:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>If this node fails</source>
        <translation>If this node fails</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Runs</source>
        <translation>Runs</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No output.</source>
        <translation>No output.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>State: %1</source>
        <translation>State: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 (tries: %2)</source>
        <translation>%1 (tries: %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not run yet</source>
        <translation>not run yet</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>attempt %1 — requested by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>attempt %1 — requested by %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 so far</source>
        <translation>%1 so far</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>not measured yet</source>
        <translation>not measured yet</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No report section needs this node.</source>
        <translation>No report section needs this node.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Command</source>
        <translation>Command</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
</context>
<context>
    <name>vouch::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+83"/>
        <source>Vouch</source>
        <translation>Vouch</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>&amp;Open contract…</source>
        <translation>&amp;Open contract…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+75"/>
        <source>&amp;Run</source>
        <translation>&amp;Run</translation>
    </message>
    <message>
        <location line="-72"/>
        <source>Run every node of the report for its period</source>
        <translation>Run every node of the report for its period</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Re&amp;run…</source>
        <translation>Re&amp;run…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun the selected node and everything downstream of it, or what failed</source>
        <translation>Rerun the selected node and everything downstream of it, or what failed</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rerun this &amp;node…</source>
        <translation>Rerun this &amp;node…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun this node and &amp;downstream…</source>
        <translation>Rerun this node and &amp;downstream…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun &amp;failed…</source>
        <translation>Rerun &amp;failed…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the run: running commands are stopped</source>
        <translation>Cancel the run: running commands are stopped</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Fit graph</source>
        <translation>&amp;Fit graph</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Find node</source>
        <translation>&amp;Find node</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;demo</source>
        <translation>Open &amp;demo</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;recent</source>
        <translation>Open &amp;recent</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Run</source>
        <translation>Run</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Find node…</source>
        <translation>Find node…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Highlight nodes whose id contains this text; Enter jumps to the next one</source>
        <translation>Highlight nodes whose id contains this text; Enter jumps to the next one</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>no match</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n match(es)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Show only what one report section needs</source>
        <translation>Show only what one report section needs</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Collapse groups</source>
        <translation>Collapse groups</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Inspector</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Go to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Publication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Approve with caveats…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Hold…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Who executes the report&apos;s run now (its lease in the state store)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Opening…</source>
        <translation>Opening…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 — Vouch</source>
        <translation>%1 — Vouch</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opened %1 (%2)</source>
        <translation>Opened %1 (%2)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Latest run %1, attempt %2, period %3</source>
        <translation>Latest run %1, attempt %2, period %3</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Run %1 attempt %2 started for %3</source>
        <translation>Run %1 attempt %2 started for %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Report running</source>
        <translation>Report running</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Open contract</source>
        <translation>Open contract</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reporting contracts (*.yaml *.yml);;All files (*)</source>
        <translation>Reporting contracts (*.yaml *.yml);;All files (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Making the Brightside demo warehouse (scenario %1)…</source>
        <translation>Making the Brightside demo warehouse (scenario %1)…</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Rerun this node…</source>
        <translation>Rerun this node…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun this node and downstream…</source>
        <translation>Rerun this node and downstream…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun from its sources…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The node, everything upstream back to what loads its data, and everything downstream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun failed…</source>
        <translation>Rerun failed…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel this node</source>
        <translation>Cancel this node</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the run</source>
        <translation>Cancel the run</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>There is no run to rerun yet. Run the report first.</source>
        <translation>There is no run to rerun yet. Run the report first.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wait for the run to finish, or cancel it, before a rerun.</source>
        <translation>Wait for the run to finish, or cancel it, before a rerun.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Select a node to rerun.</source>
        <translation>Select a node to rerun.</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+9"/>
        <source>Rerun %1</source>
        <translation>Rerun %1</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Rerun %1 and downstream</source>
        <translation>Rerun %1 and downstream</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun %1 from its sources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run every node again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun what failed</source>
        <translation>Rerun what failed</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun of %1 node(s): %2</source>
        <translation>Rerun of %1 node(s): %2</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>All sections</source>
        <translation>All sections</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>%1 of %2 nodes done · elapsed %3</source>
        <translation>%1 of %2 nodes done · elapsed %3</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
</context>
<context>
    <name>vouch::ui::Minimap</name>
    <message>
        <location filename="../ui/graph/minimap.cpp" line="+22"/>
        <source>Overview: click or drag to move the view</source>
        <translation>Overview: click or drag to move the view</translation>
    </message>
</context>
<context>
    <name>vouch::ui::NodeItem</name>
    <message>
        <location filename="../ui/graph/nodeitem.cpp" line="+224"/>
        <source>1 node</source>
        <translation>1 node</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 nodes</source>
        <translation>%1 nodes</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1d %2h</source>
        <translation>%1d %2h</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1d</source>
        <translation>%1d</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1h %2m</source>
        <translation>%1h %2m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1h</source>
        <translation>%1h</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1m</source>
        <translation>%1m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1s</source>
        <translation>%1s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>waiting</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1, not %2</source>
        <translation>%1, not %2</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>%1 (group)</source>
        <translation>%1 (group)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>worst: %1</source>
        <translation>worst: %1</translation>
    </message>
</context>
<context>
    <name>vouch::ui::ReportPanel</name>
    <message>
        <location filename="../ui/reportpanel.cpp" line="+67"/>
        <location line="+419"/>
        <source>Run %1 is not in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-386"/>
        <source>safe</source>
        <translation type="unfinished">safe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation type="unfinished">publish with a caveat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>held</source>
        <translation type="unfinished">held</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not safe (blocks the report)</source>
        <translation type="unfinished">not safe (blocks the report)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>still running</source>
        <translation type="unfinished">still running</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished">%1 h %2 min</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Approve with caveats…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hold…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Write it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Section</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fallback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Decisions and audit history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No run yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-190"/>
        <source>The state store cannot be opened: %1</source>
        <translation type="unfinished">The state store cannot be opened: %1</translation>
    </message>
    <message>
        <location line="+247"/>
        <source>Report %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Publish by %1 · %2 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Publish by %1 · %2 overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No publication deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Forecast completion %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forecast completion: done or unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision needed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source> (decided by %1: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The audit log cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>audit chain verified, %n entries</source>
        <translation>
            <numerusform>audit chain verified, %n entry</numerusform>
            <numerusform>audit chain verified, %n entries</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Audit chain broken: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 approved %2 with caveat &apos;%3&apos; at %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 held %2: &apos;%3&apos; at %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 asked for a %2 of %3: &apos;%4&apos; at %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2 at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The contract names no approvers, so nobody may decide publication; you are signed in as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only %1 may decide publication; you are signed in as %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On a team store you are the database user you connect as; ask for the vouch_approver role and to be named in the contract&apos;s approvers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On this machine you are your OS login; the contract&apos;s approvers list names who may decide.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+69"/>
        <source>The publication record was not written: %1</source>
        <translation type="unfinished">The publication record was not written: %1</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>⚠ The publication record was not written, so readers of vouch_publication do not see this verdict yet: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>the state store cannot be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>run %1 is not in %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::ReportSwitcher</name>
    <message>
        <location filename="../ui/reportswitcher.cpp" line="+58"/>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not run yet</source>
        <translation type="unfinished">not run yet</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Report:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The demo&apos;s reports and their latest verdicts; choose one to open it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::RerunDialog</name>
    <message>
        <location filename="../ui/rerundialog.cpp" line="+26"/>
        <source>Rerun</source>
        <translation>Rerun</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>These %1 of %2 nodes run again as attempt %3. Every other node keeps its latest state.</source>
        <translation>These %1 of %2 nodes run again as attempt %3. Every other node keeps its latest state.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>Why</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Reason (recorded with your name in the run&apos;s history):</source>
        <translation>&amp;Reason (recorded with your name in the run&apos;s history):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. finance fixed the cost sheet</source>
        <translation>e.g. finance fixed the cost sheet</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Rerun %n node(s)</source>
        <translation>
            <numerusform>Rerun %n node</numerusform>
            <numerusform>Rerun %n nodes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vouch::ui::RunController</name>
    <message>
        <location filename="../ui/runcontroller.cpp" line="+52"/>
        <source>safe</source>
        <translation>safe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation>publish with a caveat</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+163"/>
        <source>held</source>
        <translation>held</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>not safe (blocks the report)</source>
        <translation>not safe (blocks the report)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>still running</source>
        <translation>still running</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Report %1 · %2 of %3 sections safe</source>
        <translation>Report %1 · %2 of %3 sections safe</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The contract cannot be opened:
%1</source>
        <translation>The contract cannot be opened:
%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+383"/>
        <location line="+18"/>
        <location line="+361"/>
        <source>The state store cannot be opened: %1</source>
        <translation>The state store cannot be opened: %1</translation>
    </message>
    <message>
        <location line="-685"/>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at risk</source>
        <translation>at risk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>complete</source>
        <translation>complete</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>caveated</source>
        <translation>caveated</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>partial</source>
        <translation>partial</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale</source>
        <translation>stale</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>late</source>
        <translation>late</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>published</source>
        <translation>published</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>published with caveats</source>
        <translation>published with caveats</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>A run is in progress. Cancel it before opening another contract.</source>
        <translation>A run is in progress. Cancel it before opening another contract.</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>A run is in progress. Cancel it before opening the demo.</source>
        <translation>A run is in progress. Cancel it before opening the demo.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The demo warehouse cannot be made: %1</source>
        <translation>The demo warehouse cannot be made: %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The demo contract cannot be loaded from %1</source>
        <translation>The demo contract cannot be loaded from %1</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Nothing to rerun.</source>
        <translation>Nothing to rerun.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no run to rerun yet. Run the report first.</source>
        <translation>There is no run to rerun yet. Run the report first.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A rerun needs a reason; it is recorded with your name.</source>
        <translation>A rerun needs a reason; it is recorded with your name.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Open a contract first.</source>
        <translation>Open a contract first.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A run is already in progress.</source>
        <translation>A run is already in progress.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The run&apos;s period &apos;%1&apos; is not a reporting period.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+80"/>
        <source>%1 for %2 is being run by %3; wait for it, or cancel it there.</source>
        <translation>%1 for %2 is being run by %3; wait for it, or cancel it there.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The run could not run: %1</source>
        <translation>The run could not run: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The run vanished from %1</source>
        <translation>The run vanished from %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The publication record was not written: %1</source>
        <translation>The publication record was not written: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>cancelled from the Vouch app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+70"/>
        <location line="+3"/>
        <source>Executing: this workstation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Executing: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nobody is executing · served by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nobody is executing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Reconnected to the state store; caught up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lost the state store (%1); reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+87"/>
        <source>rerun of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>what did not pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Request #%1 pending: %2 requested by %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Request #%1 taken by %2: %3 requested by %4: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Request #%1 %2: %3 requested by %4: %5 — %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+65"/>
        <source>There is no run to ask about yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The state store refused it: %1 may not request %2s (an operator needs the vouch_operator role); nothing was recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The request was not recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 requested as #%2 by %3; %4 will carry it out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rerun</source>
        <translation type="unfinished">Rerun</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::RunModel</name>
    <message>
        <location filename="../ui/model/runmodel.cpp" line="+176"/>
        <source>waiting</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attempt</source>
        <translation>Attempt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
</context>
<context>
    <name>vouch::ui::SecretEntryDialog</name>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="+30"/>
        <source>Set a secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. slack_finance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value:</source>
        <translation type="unfinished">Value:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept in the OS keychain. A contract refers to it as &lt;code&gt;keychain:NAME&lt;/code&gt;; the value is never shown again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::SettingsDialog</name>
    <message>
        <location line="+27"/>
        <source>Set or replace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Secrets in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Alert channels of this contract</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Secret found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deliveries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+110"/>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 delivered, %2 waiting, %3 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>This contract has no alert channels (alerting.channels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2</source>
        <translation type="unfinished">%1: %2</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Stored %1 in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Deleted %1 from the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vouch::ui::StatePalette</name>
    <message>
        <location filename="../ui/graph/statepalette.cpp" line="+70"/>
        <source>pending</source>
        <translation>pending</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>queued</source>
        <translation>queued</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>retrying</source>
        <translation>retrying</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>succeeded</source>
        <translation>succeeded</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warned</source>
        <translation>warned</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>upstream failed</source>
        <translation>upstream failed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>skipped</source>
        <translation>skipped</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cancelled</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>interrupted</source>
        <translation>interrupted</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>waiting</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>fresh</source>
        <translation>fresh</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale (warning)</source>
        <translation>stale (warning)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale (error)</source>
        <translation>stale (error)</translation>
    </message>
</context>
<context>
    <name>vouch::ui::WelcomePage</name>
    <message>
        <location filename="../ui/welcomepage.cpp" line="+20"/>
        <source>All green: every source on time, every check passes</source>
        <translation>All green: every source on time, every check passes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SKU cost gap: 14 products sold without a unit cost</source>
        <translation>SKU cost gap: 14 products sold without a unit cost</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Late Stripe: the last payouts have not landed yet</source>
        <translation>Late Stripe: the last payouts have not landed yet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missing ad spend: TikTok sent no spend this week</source>
        <translation>Missing ad spend: TikTok sent no spend this week</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stale inventory: no stock snapshot since Thursday</source>
        <translation>Stale inventory: no stock snapshot since Thursday</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bridge variance: some payments captured twice</source>
        <translation>Bridge variance: some payments captured twice</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missing Shopify: no orders since the week began</source>
        <translation>Missing Shopify: no orders since the week began</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Month-end gap: one day of last month&apos;s orders never loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open the Brightside demo</source>
        <translation>Open the Brightside demo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a contract…</source>
        <translation>Open a contract…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recent contracts</source>
        <translation>Recent contracts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The demo&apos;s reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Welcome to Vouch</source>
        <translation>Welcome to Vouch</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Vouch runs a report&apos;s reporting path and tells you whether every dependency a decision needs arrived, passed its checks and can be published on time.</source>
        <translation>Vouch runs a report&apos;s reporting path and tells you whether every dependency a decision needs arrived, passed its checks and can be published on time.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try it on the Brightside demo shop. Choose what goes wrong this Monday:</source>
        <translation>Try it on the Brightside demo shop. Choose what goes wrong this Monday:</translation>
    </message>
</context>
</TS>
