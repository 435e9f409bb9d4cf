<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>vouch::ui::AlertsModel</name>
    <message>
        <location filename="../ui/alertspanel.cpp" line="+44"/>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>updated</source>
        <translation>aktualisiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>✔ %1</source>
        <translation>✔ %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>… %1 (queued)</source>
        <translation>… %1 (wartet)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>… %1 (retrying: %2)</source>
        <translation>… %1 (neuer Versuch: %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>… %1 (retrying)</source>
        <translation>… %1 (neuer Versuch)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✘ %1 (failed: %2)</source>
        <translation>✘ %1 (gescheitert: %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>✘ %1 (failed)</source>
        <translation>✘ %1 (gescheitert)</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>(%1)</source>
        <translation>(%1)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>, acknowledged by %1</source>
        <translation>, bestätigt von %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, acknowledged by %1: “%2”</source>
        <translation>, bestätigt von %1: „%2“</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Severity</source>
        <translation>Schwere</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation>Verantwortliche</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delivery</source>
        <translation>Zustellung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
</context>
<context>
    <name>vouch::ui::AlertsPanel</name>
    <message>
        <location line="+14"/>
        <source>Acknowledge…</source>
        <translation>Bestätigen…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>All severities</source>
        <translation>Alle Schweregrade</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+38"/>
        <source>All sections</source>
        <translation>Alle Abschnitte</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Section:</source>
        <translation>Abschnitt:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Severity:</source>
        <translation>Schwere:</translation>
    </message>
    <message>
        <location line="+63"/>
        <location line="+107"/>
        <source>The state store cannot be opened: %1</source>
        <translation>Der Zustandsspeicher kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Vouch: %1 alert</source>
        <translation>Vouch: Alarm (%1)</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Acknowledge alert</source>
        <translation>Alarm bestätigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A note for the people who follow this alert (recorded with your name):</source>
        <translation>Eine Notiz für alle, die diesen Alarm verfolgen (wird mit Ihrem Namen gespeichert):</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The alert could not be acknowledged.</source>
        <translation>Der Alarm konnte nicht bestätigt werden.</translation>
    </message>
</context>
<context>
    <name>vouch::ui::DecisionDialog</name>
    <message>
        <location filename="../ui/approvedialog.cpp" line="+52"/>
        <source>Approve with caveats</source>
        <translation>Mit Vorbehalt freigeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The report publishes with these caveats. They are recorded with your name in the audit log.</source>
        <translation>Der Bericht wird mit diesen Vorbehalten veröffentlicht. Sie werden mit Ihrem Namen im Audit-Protokoll gespeichert.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Caveat for %1</source>
        <translation>Vorbehalt zu %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Optional caveat for the whole report</source>
        <translation>Optionaler Vorbehalt für den gesamten Bericht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole report:</source>
        <translation>Gesamter Bericht:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hold the report</source>
        <translation>Bericht zurückhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The report is held and does not publish. The reason is recorded with your name in the audit log.</source>
        <translation>Der Bericht wird zurückgehalten und nicht veröffentlicht. Die Begründung wird mit Ihrem Namen im Audit-Protokoll gespeichert.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Why the report is held (required)</source>
        <translation>Warum der Bericht zurückgehalten wird (Pflichtangabe)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason:</source>
        <translation>Begründung:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Approve</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hold</source>
        <translation>Zurückhalten</translation>
    </message>
</context>
<context>
    <name>vouch::ui::DeliveryWorker</name>
    <message>
        <location filename="../ui/deliveryservice.h" line="+53"/>
        <source>Alerts cannot be delivered: %1</source>
        <translation>Alarme können nicht zugestellt werden: %1</translation>
    </message>
</context>
<context>
    <name>vouch::ui::DetailPane</name>
    <message>
        <location filename="../ui/detailpane.cpp" line="+46"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Select an alert or a section to see what it means and what to do next.</source>
        <translation>Wählen Sie einen Alarm oder einen Abschnitt, um zu sehen, was er bedeutet und was als Nächstes zu tun ist.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Can publish</source>
        <translation>Kann veröffentlicht werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needs a caveat</source>
        <translation>Braucht einen Vorbehalt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held</source>
        <translation>Zurückgehalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blocked</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation>Verantwortliche</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Root cause</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fallbacks</source>
        <translation>Ersatzverfahren</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Owner</source>
        <translation>Verantwortlich</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Caveat</source>
        <translation>Vorbehalt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fallback</source>
        <translation>Ersatzverfahren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing it rests on has failed.</source>
        <translation>Nichts, worauf er beruht, ist gescheitert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Findings</source>
        <translation>Befunde</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Next step:</source>
        <translation>Nächster Schritt:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun from %1…</source>
        <translation>Ab %1 erneut ausführen…</translation>
    </message>
</context>
<context>
    <name>vouch::ui::GraphView</name>
    <message>
        <location filename="../ui/graph/graphview.cpp" line="+116"/>
        <source>Reporting path graph</source>
        <translation>Graph des Berichtspfads</translation>
    </message>
    <message>
        <location line="+588"/>
        <source>group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>owner %1</source>
        <translation>Verantwortlich: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>attempt %1</source>
        <translation>Versuch %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>try %1</source>
        <translation>Durchlauf %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Double-click to expand</source>
        <translation>Doppelklick zum Aufklappen</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No reporting path to show.</source>
        <translation>Kein Berichtspfad zum Anzeigen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Laying out the reporting path…</source>
        <translation>Berichtspfad wird angeordnet…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing to show: the section filter leaves no nodes.</source>
        <translation>Nichts anzuzeigen: Der Abschnittsfilter lässt keine Knoten übrig.</translation>
    </message>
</context>
<context>
    <name>vouch::ui::HistoryPage</name>
    <message>
        <location filename="../ui/historypage.cpp" line="+226"/>
        <location line="+129"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="-128"/>
        <location line="+129"/>
        <source>No report loaded.</source>
        <translation>Kein Bericht geladen.</translation>
    </message>
    <message>
        <location line="-122"/>
        <source>Completion time after the period&apos;s end</source>
        <translation>Fertigstellung nach Ende des Zeitraums</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+367"/>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <location line="-365"/>
        <source>publish_by</source>
        <translation>publish_by</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>completed</source>
        <translation>fertiggestellt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>late</source>
        <translation>verspätet</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>On-time rate, rolling %n periods</source>
        <translation>
            <numerusform>Pünktlichkeitsquote, gleitend über %n Zeitraum</numerusform>
            <numerusform>Pünktlichkeitsquote, gleitend über %n Zeiträume</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>% on time</source>
        <translation>% pünktlich</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>on time</source>
        <translation>pünktlich</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+295"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location line="-293"/>
        <location line="+331"/>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <location line="-327"/>
        <source>median to p90</source>
        <translation>Median bis p90</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>median</source>
        <translation>Median</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>p90</source>
        <translation>p90</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Checks that warned or failed</source>
        <translation>Prüfungen mit Warnung oder Fehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+2"/>
        <source>checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Duration of:</source>
        <translation>Dauer von:</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>History of %1</source>
        <translation>Verlauf von %1</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>Could not read the history: %1</source>
        <translation>Der Verlauf konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No runs of %1 yet.</source>
        <translation>Noch keine Läufe von %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Periods %1 to %2 (%3 runs). publish_by is %4 hours after each week ends.</source>
        <translation>Zeiträume %1 bis %2 (%3 Läufe). publish_by liegt %4 Stunden nach dem Ende jeder Woche.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Duration of %1</source>
        <translation>Dauer von %1</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>seconds</source>
        <translation>Sekunden</translation>
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
        <translation># Ladezeit: Änderungszeit von</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- load time</source>
        <translation>-- Ladezeit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>-- value</source>
        <translation>-- Wert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- reference</source>
        <translation>-- Referenz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-- sample failing rows</source>
        <translation>-- Beispiele fehlerhafter Zeilen</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>block the report</source>
        <translation>blockiert den Bericht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>hold this section</source>
        <translation>hält diesen Abschnitt zurück</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation>mit Vorbehalt veröffentlichen</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Select a node in the graph to see its state, its log and what it means for the report.</source>
        <translation>Wählen Sie einen Knoten im Graphen, um seinen Zustand, sein Protokoll und seine Bedeutung für den Bericht zu sehen.</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group:</source>
        <translation>Gruppe:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner:</source>
        <translation>Verantwortlich:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempt:</source>
        <translation>Versuch:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started:</source>
        <translation>Gestartet:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished:</source>
        <translation>Beendet:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration:</source>
        <translation>Dauer:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Value:</source>
        <translation>Wert:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reference:</source>
        <translation>Referenz:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warn if:</source>
        <translation>Warnen wenn:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fail if:</source>
        <translation>Fehler wenn:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample failing rows:</source>
        <translation>Beispiele fehlerhafter Zeilen:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Freshness</source>
        <translation>Aktualität</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Verdict:</source>
        <translation>Urteil:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Age:</source>
        <translation>Alter:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warn after:</source>
        <translation>Warnen nach:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fail after:</source>
        <translation>Fehler nach:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last load:</source>
        <translation>Letzte Ladung:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>If this node fails</source>
        <translation>Wenn dieser Knoten scheitert</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Runs</source>
        <translation>Führt aus</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No output.</source>
        <translation>Keine Ausgabe.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>State: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 (tries: %2)</source>
        <translation>%1 (Durchläufe: %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not run yet</source>
        <translation>noch nicht gelaufen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>attempt %1 — requested by %2</source>
        <translation>Versuch %1 — angefordert von %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>attempt %1 — requested by %2: %3</source>
        <translation>Versuch %1 — angefordert von %2: %3</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 so far</source>
        <translation>bisher %1</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>not measured yet</source>
        <translation>noch nicht gemessen</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No report section needs this node.</source>
        <translation>Kein Berichtsabschnitt braucht diesen Knoten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Command</source>
        <translation>Befehl</translation>
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
        <translation>Vertrag ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+75"/>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <location line="-72"/>
        <source>Run every node of the report for its period</source>
        <translation>Alle Knoten des Berichts für seinen Zeitraum ausführen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Re&amp;run…</source>
        <translation>&amp;Erneut ausführen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun the selected node and everything downstream of it, or what failed</source>
        <translation>Den gewählten Knoten und alles danach erneut ausführen, oder was gescheitert ist</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rerun this &amp;node…</source>
        <translation>Diesen &amp;Knoten erneut ausführen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun this node and &amp;downstream…</source>
        <translation>Diesen Knoten und alles &amp;danach erneut ausführen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun &amp;failed…</source>
        <translation>&amp;Gescheiterte erneut ausführen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Cancel</source>
        <translation>Abb&amp;rechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the run: running commands are stopped</source>
        <translation>Lauf abbrechen: laufende Befehle werden beendet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Fit graph</source>
        <translation>Graph ein&amp;passen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Find node</source>
        <translation>Knoten &amp;suchen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;demo</source>
        <translation>&amp;Demo öffnen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Find node…</source>
        <translation>Knoten suchen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Highlight nodes whose id contains this text; Enter jumps to the next one</source>
        <translation>Knoten hervorheben, deren Kennung diesen Text enthält; Eingabe springt zum nächsten</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>no match</source>
        <translation>kein Treffer</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n Treffer</numerusform>
            <numerusform>%n Treffer</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Show only what one report section needs</source>
        <translation>Nur zeigen, was ein Berichtsabschnitt braucht</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Collapse groups</source>
        <translation>Gruppen einklappen</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Inspector</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Go to %1</source>
        <translation>Zu %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Publication</source>
        <translation>&amp;Veröffentlichung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Approve with caveats…</source>
        <translation>Mit Vorbehalten &amp;freigeben…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Hold…</source>
        <translation>&amp;Zurückhalten…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Who executes the report&apos;s run now (its lease in the state store)</source>
        <translation>Wer den Lauf des Berichts gerade ausführt (seine Lease im Zustandsspeicher)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Opening…</source>
        <translation>Wird geöffnet…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 — Vouch</source>
        <translation>%1 — Vouch</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opened %1 (%2)</source>
        <translation>%1 geöffnet (%2)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Latest run %1, attempt %2, period %3</source>
        <translation>Letzter Lauf %1, Versuch %2, Zeitraum %3</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Run %1 attempt %2 started for %3</source>
        <translation>Lauf %1, Versuch %2 für %3 gestartet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Report running</source>
        <translation>Bericht läuft</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Open contract</source>
        <translation>Vertrag öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reporting contracts (*.yaml *.yml);;All files (*)</source>
        <translation>Berichtsverträge (*.yaml *.yml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Making the Brightside demo warehouse (scenario %1)…</source>
        <translation>Brightside-Demo-Warehouse wird erstellt (Szenario %1)…</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Rerun this node…</source>
        <translation>Diesen Knoten erneut ausführen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun this node and downstream…</source>
        <translation>Diesen Knoten und alles danach erneut ausführen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun from its sources…</source>
        <translation>Ab seinen Quellen erneut ausführen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The node, everything upstream back to what loads its data, and everything downstream</source>
        <translation>Der Knoten, alles davor bis zu dem, was seine Daten lädt, und alles danach</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun failed…</source>
        <translation>Gescheiterte erneut ausführen…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel this node</source>
        <translation>Diesen Knoten abbrechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the run</source>
        <translation>Lauf abbrechen</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>There is no run to rerun yet. Run the report first.</source>
        <translation>Es gibt noch keinen Lauf zum Wiederholen. Führen Sie den Bericht zuerst aus.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wait for the run to finish, or cancel it, before a rerun.</source>
        <translation>Warten Sie vor einer Wiederholung, bis der Lauf endet, oder brechen Sie ihn ab.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Select a node to rerun.</source>
        <translation>Wählen Sie einen Knoten zum erneuten Ausführen.</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+9"/>
        <source>Rerun %1</source>
        <translation>%1 erneut ausführen</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Rerun %1 and downstream</source>
        <translation>%1 und alles danach erneut ausführen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun %1 from its sources</source>
        <translation>%1 ab seinen Quellen erneut ausführen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run every node again</source>
        <translation>Alle Knoten erneut ausführen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rerun what failed</source>
        <translation>Gescheiterte erneut ausführen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rerun of %1 node(s): %2</source>
        <translation>Wiederholung von %1 Knoten: %2</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>All sections</source>
        <translation>Alle Abschnitte</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>%1 of %2 nodes done · elapsed %3</source>
        <translation>%1 von %2 Knoten fertig · Laufzeit %3</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
</context>
<context>
    <name>vouch::ui::Minimap</name>
    <message>
        <location filename="../ui/graph/minimap.cpp" line="+22"/>
        <source>Overview: click or drag to move the view</source>
        <translation>Übersicht: Klicken oder ziehen, um die Ansicht zu verschieben</translation>
    </message>
</context>
<context>
    <name>vouch::ui::NodeItem</name>
    <message>
        <location filename="../ui/graph/nodeitem.cpp" line="+224"/>
        <source>1 node</source>
        <translation>1 Knoten</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 nodes</source>
        <translation>%1 Knoten</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1d %2h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1d</source>
        <translation>%1 T</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1h %2m</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1m</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1, not %2</source>
        <translation>%1, nicht %2</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>%1 (group)</source>
        <translation>%1 (Gruppe)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>worst: %1</source>
        <translation>schlechtester: %1</translation>
    </message>
</context>
<context>
    <name>vouch::ui::ReportPanel</name>
    <message>
        <location filename="../ui/reportpanel.cpp" line="+67"/>
        <location line="+419"/>
        <source>Run %1 is not in %2</source>
        <translation>Lauf %1 ist nicht in %2 enthalten</translation>
    </message>
    <message>
        <location line="-386"/>
        <source>safe</source>
        <translation>sicher</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation>mit Vorbehalt veröffentlichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>held</source>
        <translation>zurückgehalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not safe (blocks the report)</source>
        <translation>nicht sicher (blockiert den Bericht)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>still running</source>
        <translation>läuft noch</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Approve with caveats…</source>
        <translation>Mit Vorbehalt freigeben…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hold…</source>
        <translation>Zurückhalten…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Write it again</source>
        <translation>Erneut schreiben</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Section</source>
        <translation>Abschnitt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fallback</source>
        <translation>Ersatzverfahren</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Decisions and audit history</source>
        <translation>Entscheidungen und Audit-Verlauf</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No run yet</source>
        <translation>Noch kein Lauf</translation>
    </message>
    <message>
        <location line="-190"/>
        <source>The state store cannot be opened: %1</source>
        <translation>Der Zustandsspeicher kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location line="+247"/>
        <source>Report %1 · %2</source>
        <translation>Bericht %1 · %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Publish by %1 · %2 left</source>
        <translation>Veröffentlichen bis %1 · noch %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Publish by %1 · %2 overdue</source>
        <translation>Veröffentlichen bis %1 · %2 überfällig</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No publication deadline</source>
        <translation>Keine Veröffentlichungsfrist</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Forecast completion %1</source>
        <translation>Voraussichtlich fertig %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forecast completion: done or unknown</source>
        <translation>Voraussichtlich fertig: erledigt oder unbekannt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision needed: %1</source>
        <translation>Entscheidung nötig: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source> (decided by %1: %2)</source>
        <translation> (entschieden von %1: %2)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The audit log cannot be read: %1</source>
        <translation>Das Audit-Protokoll kann nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>audit chain verified, %n entries</source>
        <translation>
            <numerusform>Audit-Kette geprüft, %n Eintrag</numerusform>
            <numerusform>Audit-Kette geprüft, %n Einträge</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Audit chain broken: %1</source>
        <translation>Audit-Kette unterbrochen: %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the report</source>
        <translation>den Bericht</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 approved %2 with caveat &apos;%3&apos; at %4</source>
        <translation>%1 hat %2 mit dem Vorbehalt &apos;%3&apos; freigegeben (%4)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 held %2: &apos;%3&apos; at %4</source>
        <translation>%1 hat %2 zurückgehalten: &apos;%3&apos; (%4)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 asked for a %2 of %3: &apos;%4&apos; at %5</source>
        <translation>%1 hat %2 für %3 angefordert: &apos;%4&apos; (%5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the run</source>
        <translation>den Lauf</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2 at %3</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The contract names no approvers, so nobody may decide publication; you are signed in as %1.</source>
        <translation>Der Vertrag nennt keine Freigabeberechtigten, daher darf niemand über die Veröffentlichung entscheiden; Sie sind als %1 angemeldet.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only %1 may decide publication; you are signed in as %2.</source>
        <translation>Über die Veröffentlichung entscheiden darf nur: %1; Sie sind als %2 angemeldet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On a team store you are the database user you connect as; ask for the vouch_approver role and to be named in the contract&apos;s approvers.</source>
        <translation>In einem Team-Zustandsspeicher sind Sie der Datenbankbenutzer, mit dem Sie sich verbinden; bitten Sie um die Rolle vouch_approver und darum, im Vertrag unter den Freigabeberechtigten genannt zu werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On this machine you are your OS login; the contract&apos;s approvers list names who may decide.</source>
        <translation>Auf diesem Rechner sind Sie Ihre Betriebssystem-Anmeldung; wer entscheiden darf, nennt der Vertrag unter den Freigabeberechtigten.</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>The publication record was not written: %1</source>
        <translation>Der Veröffentlichungseintrag wurde nicht geschrieben: %1</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>⚠ The publication record was not written, so readers of vouch_publication do not see this verdict yet: %1</source>
        <translation>⚠ Der Veröffentlichungseintrag wurde nicht geschrieben, daher sehen die Leser von vouch_publication dieses Urteil noch nicht: %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>the state store cannot be opened: %1</source>
        <translation>der Zustandsspeicher kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>run %1 is not in %2</source>
        <translation>Lauf %1 ist nicht in %2</translation>
    </message>
</context>
<context>
    <name>vouch::ui::ReportSwitcher</name>
    <message>
        <location filename="../ui/reportswitcher.cpp" line="+58"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not run yet</source>
        <translation>noch nicht gelaufen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Report:</source>
        <translation>Bericht:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The demo&apos;s reports and their latest verdicts; choose one to open it</source>
        <translation>Die Berichte der Demo und ihr letztes Urteil; wählen Sie einen aus, um ihn zu öffnen</translation>
    </message>
</context>
<context>
    <name>vouch::ui::RerunDialog</name>
    <message>
        <location filename="../ui/rerundialog.cpp" line="+26"/>
        <source>Rerun</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>These %1 of %2 nodes run again as attempt %3. Every other node keeps its latest state.</source>
        <translation>Diese %1 von %2 Knoten laufen erneut als Versuch %3. Alle anderen Knoten behalten ihren letzten Zustand.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Reason (recorded with your name in the run&apos;s history):</source>
        <translation>&amp;Begründung (wird mit Ihrem Namen im Verlauf des Laufs gespeichert):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. finance fixed the cost sheet</source>
        <translation>z. B. Finanzen hat die Kostentabelle korrigiert</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Rerun %n node(s)</source>
        <translation>
            <numerusform>%n Knoten erneut ausführen</numerusform>
            <numerusform>%n Knoten erneut ausführen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vouch::ui::RunController</name>
    <message>
        <location filename="../ui/runcontroller.cpp" line="+52"/>
        <source>safe</source>
        <translation>sicher</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>publish with a caveat</source>
        <translation>mit Vorbehalt veröffentlichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+163"/>
        <source>held</source>
        <translation>zurückgehalten</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>not safe (blocks the report)</source>
        <translation>nicht sicher (blockiert den Bericht)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>still running</source>
        <translation>läuft noch</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Report %1 · %2 of %3 sections safe</source>
        <translation>Bericht %1 · %2 von %3 Abschnitten sicher</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The contract cannot be opened:
%1</source>
        <translation>Der Vertrag kann nicht geöffnet werden:
%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+383"/>
        <location line="+18"/>
        <location line="+361"/>
        <source>The state store cannot be opened: %1</source>
        <translation>Der Zustandsspeicher kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location line="-685"/>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at risk</source>
        <translation>gefährdet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>complete</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>caveated</source>
        <translation>mit Vorbehalt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>partial</source>
        <translation>teilweise</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>gescheitert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>late</source>
        <translation>verspätet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>published</source>
        <translation>veröffentlicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>published with caveats</source>
        <translation>mit Vorbehalt veröffentlicht</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>A run is in progress. Cancel it before opening another contract.</source>
        <translation>Ein Lauf ist im Gange. Brechen Sie ihn ab, bevor Sie einen anderen Vertrag öffnen.</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>A run is in progress. Cancel it before opening the demo.</source>
        <translation>Ein Lauf ist im Gange. Brechen Sie ihn ab, bevor Sie die Demo öffnen.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The demo warehouse cannot be made: %1</source>
        <translation>Das Demo-Warehouse kann nicht erstellt werden: %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The demo contract cannot be loaded from %1</source>
        <translation>Der Demo-Vertrag kann nicht aus %1 geladen werden</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Nothing to rerun.</source>
        <translation>Nichts zu wiederholen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no run to rerun yet. Run the report first.</source>
        <translation>Es gibt noch keinen Lauf zum Wiederholen. Führen Sie den Bericht zuerst aus.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A rerun needs a reason; it is recorded with your name.</source>
        <translation>Eine Wiederholung braucht eine Begründung; sie wird mit Ihrem Namen gespeichert.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Open a contract first.</source>
        <translation>Öffnen Sie zuerst einen Vertrag.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A run is already in progress.</source>
        <translation>Ein Lauf ist bereits im Gange.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The run&apos;s period &apos;%1&apos; is not a reporting period.</source>
        <translation>Der Zeitraum &apos;%1&apos; des Laufs ist kein Berichtszeitraum.</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>%1 for %2 is being run by %3; wait for it, or cancel it there.</source>
        <translation>%1 für %2 wird gerade von %3 ausgeführt; warten Sie darauf oder brechen Sie ihn dort ab.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The run could not run: %1</source>
        <translation>Der Lauf konnte nicht laufen: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The run vanished from %1</source>
        <translation>Der Lauf ist aus %1 verschwunden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The publication record was not written: %1</source>
        <translation>Der Veröffentlichungseintrag wurde nicht geschrieben: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>cancelled from the Vouch app</source>
        <translation>in der Vouch-App abgebrochen</translation>
    </message>
    <message>
        <location line="+70"/>
        <location line="+3"/>
        <source>Executing: this workstation</source>
        <translation>Ausführung: dieser Arbeitsplatz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Executing: %1</source>
        <translation>Ausführung: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nobody is executing · served by %1</source>
        <translation>Ausführung: niemand · bedient von %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nobody is executing</source>
        <translation>Ausführung: niemand</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Reconnected to the state store; caught up</source>
        <translation>Wieder mit dem Zustandsspeicher verbunden; auf dem neuesten Stand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lost the state store (%1); reconnecting</source>
        <translation>Verbindung zum Zustandsspeicher verloren (%1); wird neu verbunden</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>rerun of %1</source>
        <translation>Wiederholung von %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>what did not pass</source>
        <translation>allem, was nicht bestanden hat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancel</source>
        <translation>Abbruch</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Request #%1 pending: %2 requested by %3: %4</source>
        <translation>Anfrage #%1 offen: %2, angefordert von %3: %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Request #%1 taken by %2: %3 requested by %4: %5</source>
        <translation>Anfrage #%1 übernommen von %2: %3, angefordert von %4: %5</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Request #%1 %2: %3 requested by %4: %5 — %6</source>
        <translation>Anfrage #%1 %2: %3, angefordert von %4: %5 — %6</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>There is no run to ask about yet.</source>
        <translation>Es gibt noch keinen Lauf, für den Sie etwas anfragen können.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The state store refused it: %1 may not request %2s (an operator needs the vouch_operator role); nothing was recorded.</source>
        <translation>Der Zustandsspeicher hat abgelehnt: %1 darf keine Anfragen vom Typ %2 stellen (dafür ist die Rolle vouch_operator nötig); nichts wurde gespeichert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The request was not recorded: %1</source>
        <translation>Die Anfrage wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 requested as #%2 by %3; %4 will carry it out</source>
        <translation>%1 als #%2 von %3 angefordert; %4 übernimmt die Ausführung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rerun</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel</source>
        <translation>Abbruch</translation>
    </message>
</context>
<context>
    <name>vouch::ui::RunModel</name>
    <message>
        <location filename="../ui/model/runmodel.cpp" line="+176"/>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>vouch::ui::SecretEntryDialog</name>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="+30"/>
        <source>Set a secret</source>
        <translation>Geheimnis setzen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. slack_finance</source>
        <translation>z. B. slack_finance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value:</source>
        <translation>Wert:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept in the OS keychain. A contract refers to it as &lt;code&gt;keychain:NAME&lt;/code&gt;; the value is never shown again.</source>
        <translation>Wird im Schlüsselbund des Betriebssystems aufbewahrt. Ein Vertrag verweist darauf als &lt;code&gt;keychain:NAME&lt;/code&gt;; der Wert wird nie wieder angezeigt.</translation>
    </message>
</context>
<context>
    <name>vouch::ui::SettingsDialog</name>
    <message>
        <location line="+27"/>
        <source>Set or replace…</source>
        <translation>Setzen oder ersetzen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Secrets in the keychain</source>
        <translation>Geheimnisse im Schlüsselbund</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Alert channels of this contract</source>
        <translation>Alarmkanäle dieses Vertrags</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Secret</source>
        <translation>Geheimnis</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Secret found</source>
        <translation>Geheimnis gefunden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deliveries</source>
        <translation>Zustellungen</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 delivered, %2 waiting, %3 failed</source>
        <translation>%1 zugestellt, %2 wartend, %3 gescheitert</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>This contract has no alert channels (alerting.channels).</source>
        <translation>Dieser Vertrag hat keine Alarmkanäle (alerting.channels).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Stored %1 in the keychain.</source>
        <translation>%1 im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Deleted %1 from the keychain.</source>
        <translation>%1 aus dem Schlüsselbund gelöscht.</translation>
    </message>
</context>
<context>
    <name>vouch::ui::StatePalette</name>
    <message>
        <location filename="../ui/graph/statepalette.cpp" line="+70"/>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>retrying</source>
        <translation>neuer Versuch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warned</source>
        <translation>gewarnt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>gescheitert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>upstream failed</source>
        <translation>Vorgänger gescheitert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>fresh</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale (warning)</source>
        <translation>veraltet (Warnung)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stale (error)</source>
        <translation>veraltet (Fehler)</translation>
    </message>
</context>
<context>
    <name>vouch::ui::WelcomePage</name>
    <message>
        <location filename="../ui/welcomepage.cpp" line="+20"/>
        <source>All green: every source on time, every check passes</source>
        <translation>Alles grün: jede Quelle pünktlich, jede Prüfung bestanden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SKU cost gap: 14 products sold without a unit cost</source>
        <translation>SKU-Kostenlücke: 14 Produkte ohne Stückkosten verkauft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Late Stripe: the last payouts have not landed yet</source>
        <translation>Stripe verspätet: die letzten Auszahlungen sind noch nicht da</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missing ad spend: TikTok sent no spend this week</source>
        <translation>Fehlende Werbekosten: TikTok hat diese Woche nichts geliefert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stale inventory: no stock snapshot since Thursday</source>
        <translation>Veralteter Bestand: kein Lagerstand seit Donnerstag</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bridge variance: some payments captured twice</source>
        <translation>Abweichung in der Brücke: einige Zahlungen doppelt erfasst</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missing Shopify: no orders since the week began</source>
        <translation>Shopify fehlt: keine Bestellungen seit Wochenbeginn</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Month-end gap: one day of last month&apos;s orders never loaded</source>
        <translation>Monatsabschluss-Lücke: Die Bestellungen eines Tages im Vormonat wurden nie geladen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open the Brightside demo</source>
        <translation>Brightside-Demo öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a contract…</source>
        <translation>Einen Vertrag öffnen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recent contracts</source>
        <translation>Zuletzt geöffnete Verträge</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The demo&apos;s reports</source>
        <translation>Die Berichte der Demo</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Welcome to Vouch</source>
        <translation>Willkommen bei Vouch</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Vouch runs a report&apos;s reporting path and tells you whether every dependency a decision needs arrived, passed its checks and can be published on time.</source>
        <translation>Vouch führt den Berichtspfad eines Berichts aus und sagt Ihnen, ob alles, was eine Entscheidung braucht, angekommen ist, seine Prüfungen bestanden hat und rechtzeitig veröffentlicht werden kann.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try it on the Brightside demo shop. Choose what goes wrong this Monday:</source>
        <translation>Probieren Sie es am Brightside-Demo-Shop aus. Wählen Sie, was an diesem Montag schiefgeht:</translation>
    </message>
</context>
</TS>
