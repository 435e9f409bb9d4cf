// The alert and section detail pane: the whole headline, what can publish and
// what cannot, fallbacks and owners, the root cause as a link to the graph,
// and a next step with the check's sample rows or the failed node's log.

#include "ui/detailpane.h"
#include "ui/model/runmodel.h"

#include "engine/contract/contractloader.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace vouch;
using engine::NodeState;
using engine::Transition;
using ui::DetailPane;
using ui::RunModel;

namespace {

const char kContract[] = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [stg_orders], on_failure: hold}
    - {id: margin, name: Contribution margin, needs: [chk_sku_cost], on_failure: caveat, owner: finance-data}
connections:
  warehouse: {driver: sqlite, database: w.db}
nodes:
  - {id: ingest_orders, kind: command, run: ["true"]}
  - id: src_orders
    kind: freshness
    needs: [ingest_orders]
    connection: warehouse
    loaded_at: "select 1"
    warn_after: 6h
  - {id: stg_orders, kind: sql, needs: [src_orders], connection: warehouse, sql: "select 1"}
  - id: chk_sku_cost
    kind: check
    owner: finance-ops
    needs: [stg_orders]
    connection: warehouse
    value: "select 0"
    rows: "select 1"
    error_if: "> 0"
)";

Transition transition(const QString &id, NodeState state)
{
    Transition t;
    t.runId = 1;
    t.attempt = 1;
    t.nodeId = id;
    t.state = state;
    t.at = QDateTime::currentDateTimeUtc();
    t.tries = 1;
    return t;
}

} // namespace

class TestDetailPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        const engine::LoadResult result = engine::ContractLoader::loadText(
            QByteArray(kContract), QStringLiteral("pane.yaml"), QStringLiteral("/tmp"));
        QVERIFY(result.ok());
        m_model = std::make_unique<RunModel>();
        m_model->setContract(result.contract);
        m_pane = std::make_unique<DetailPane>();
        m_pane->setRunModel(m_model.get());
        m_pane->resize(420, 600);
        m_pane->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    }

    void cleanup()
    {
        m_pane.reset();
        m_model.reset();
    }

    void alertShowsEverythingAndTheNextStep()
    {
        Transition check = transition(QStringLiteral("chk_sku_cost"), NodeState::Failed);
        check.sampleRows = {{QStringLiteral("sku"), QStringLiteral("product")},
                            {QStringLiteral("SKU-1042"), QStringLiteral("Linen throw")}};
        QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
        m_model->apply({check});
        QVERIFY(changed.wait(5000));

        engine::AlertRecord alert;
        alert.rootNode = QStringLiteral("chk_sku_cost");
        alert.headline = QStringLiteral(
            "Contribution margin is not safe for Monday reporting because SKU cost mapping failed "
            "for 14 products. Revenue can publish; margin should show a caveat or be held.");
        alert.details = QJsonObject{
            {QStringLiteral("node"), QStringLiteral("chk_sku_cost")},
            {QStringLiteral("cause"), QStringLiteral("SKU cost mapping failed for 14 products.")},
            {QStringLiteral("can_publish"), QJsonArray{QStringLiteral("Revenue")}},
            {QStringLiteral("caveat"), QJsonArray{QStringLiteral("Contribution margin")}},
            {QStringLiteral("held"), QJsonArray{}},
            {QStringLiteral("blocked"), QJsonArray{}},
            {QStringLiteral("fallbacks"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("section"), QStringLiteral("Contribution margin")},
                 {QStringLiteral("text"), QStringLiteral("use last week's category rates")}}}},
            {QStringLiteral("owners"), QJsonArray{QStringLiteral("finance-data")}},
        };
        m_pane->showAlert(alert);
        const QString text = m_pane->plainText();
        // The whole headline, never cut.
        QVERIFY2(text.contains(alert.headline), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Can publish")) &&
                text.contains(QStringLiteral("Revenue")));
        QVERIFY(text.contains(QStringLiteral("Needs a caveat")));
        QVERIFY(text.contains(QStringLiteral("use last week's category rates")));
        QVERIFY(text.contains(QStringLiteral("finance-data")));
        // The next step: the check's owner and its sample rows.
        QVERIFY2(text.contains(QStringLiteral("Next step: chk_sku_cost found rows that break the "
                                              "rule (owner: finance-ops)")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("SKU-1042")));

        // The root cause is a link to the graph; the step's rerun a link to the preview.
        QSignalSpy reveal(m_pane.get(), &DetailPane::revealNode);
        QSignalSpy rerun(m_pane.get(), &DetailPane::rerunRequested);
        Q_EMIT m_pane->browser()->anchorClicked(QUrl(QStringLiteral("node:chk_sku_cost")));
        QCOMPARE(reveal.count(), 1);
        QCOMPARE(reveal.first().first().toString(), QStringLiteral("chk_sku_cost"));
        QVERIFY(
            m_pane->browser()->toHtml().contains(QStringLiteral("href=\"rerun:chk_sku_cost%2B\"")));
        Q_EMIT m_pane->browser()->anchorClicked(QUrl(QStringLiteral("rerun:chk_sku_cost%2B")));
        QCOMPARE(rerun.count(), 1);
        QCOMPARE(rerun.first().first().toString(), QStringLiteral("chk_sku_cost+"));
    }

    void staleSourceSectionPointsAtItsLoader()
    {
        Transition source = transition(QStringLiteral("src_orders"), NodeState::Failed);
        source.freshness = engine::Freshness::StaleError;
        QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
        m_model->apply({source});
        QVERIFY(changed.wait(5000));

        engine::SectionVerdict section;
        section.id = QStringLiteral("revenue");
        section.name = QStringLiteral("Revenue");
        section.status = engine::SectionStatus::Held;
        section.fallback = QStringLiteral("publish last week's figures");
        engine::Finding f;
        f.nodeId = QStringLiteral("src_orders");
        f.cause = QStringLiteral("no Shopify orders have been loaded for the period");
        section.findings << f;
        m_pane->showSection(section);
        const QString text = m_pane->plainText();
        QVERIFY2(text.contains(QStringLiteral("Rerun from ingest_orders once the data has landed")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("publish last week's figures")));
        QCOMPARE(m_pane->nextStep().rerunSelector, QStringLiteral("ingest_orders+"));
    }

    void failedCommandShowsItsLogTail()
    {
        QTemporaryDir dir;
        QFile log(dir.filePath(QStringLiteral("ingest.log")));
        QVERIFY(log.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            log.write(QByteArray("line ") + QByteArray::number(i) + '\n');
        log.write("curl: (22) The requested URL returned error: 401\n");
        log.close();
        Transition ingest = transition(QStringLiteral("ingest_orders"), NodeState::Failed);
        ingest.logPath = log.fileName();
        QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
        m_model->apply({ingest});
        QVERIFY(changed.wait(5000));

        engine::AlertRecord alert;
        alert.rootNode = QStringLiteral("ingest_orders");
        alert.headline = QStringLiteral("Revenue is not safe because ingest_orders failed.");
        alert.details = QJsonObject{{QStringLiteral("node"), QStringLiteral("ingest_orders")}};
        // The tail is read on a worker and added when it arrives.
        QSignalSpy shown(m_pane.get(), &DetailPane::logTailShown);
        m_pane->showAlert(alert);
        QVERIFY(shown.wait(5000));
        const QString text = m_pane->plainText();
        QVERIFY2(text.contains(QStringLiteral("error: 401")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("line 5\n"))); // only the tail
    }

private:
    std::unique_ptr<RunModel> m_model;
    std::unique_ptr<DetailPane> m_pane;
};

VOUCH_TEST_MAIN(TestDetailPane)
#include "tst_detailpane.moc"
