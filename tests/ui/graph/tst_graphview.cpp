// The live graph view: layout on a worker, clicks, live state updates that
// keep the view and the selection, search, hover, section filter, collapsed
// groups, and a 10,000-node graph.

#include "ui/graph/graphview.h"
#include "ui/graph/nodeitem.h"
#include "ui/graph/statepalette.h"
#include "ui/model/runmodel.h"

#include "engine/contract/contractloader.h"
#include "engine/store/statestore.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QAbstractItemModelTester>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <memory>

using namespace vouch;
using engine::Freshness;
using engine::NodeState;
using engine::Transition;
using ui::GraphView;
using ui::RunModel;

namespace {

constexpr int kLayoutTimeoutMs = 20000;
constexpr int kBigLayoutTimeoutMs = 180000;

// Ten nodes in five groups:
//   ingest_orders -> src_orders -> stg_orders -> mart_revenue -> chk_revenue -> publish
//   ingest_ads -> src_ads -> stg_ads -> mart_marketing -> publish
//   stg_orders -> mart_marketing
// Sections: revenue needs chk_revenue; marketing needs mart_marketing.
const char kContract[] = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - id: revenue
      name: Revenue
      needs: [chk_revenue]
      on_failure: block
    - id: marketing
      name: Marketing
      needs: [mart_marketing]
      on_failure: caveat
connections:
  warehouse: { driver: sqlite, database: "/nonexistent/w.db" }
nodes:
  - id: ingest_orders
    kind: command
    group: sources
    run: ["true"]
  - id: src_orders
    kind: freshness
    group: sources
    needs: [ingest_orders]
    connection: warehouse
    loaded_at: "select 1"
    warn_after: 6h
    error_after: 24h
  - id: ingest_ads
    kind: command
    group: sources
    run: ["true"]
  - id: src_ads
    kind: freshness
    group: sources
    needs: [ingest_ads]
    connection: warehouse
    loaded_at: "select 1"
    warn_after: 6h
    error_after: 24h
  - id: stg_orders
    kind: sql
    group: staging
    needs: [src_orders]
    connection: warehouse
    sql: "select 1"
  - id: stg_ads
    kind: sql
    group: staging
    needs: [src_ads]
    connection: warehouse
    sql: "select 1"
  - id: mart_revenue
    kind: sql
    group: marts
    needs: [stg_orders]
    connection: warehouse
    sql: "select 1"
  - id: mart_marketing
    kind: sql
    group: marts
    needs: [stg_ads, stg_orders]
    connection: warehouse
    sql: "select 1"
  - id: chk_revenue
    kind: check
    group: checks
    needs: [mart_revenue]
    connection: warehouse
    value: "select 0"
    warn_if: "> 0"
    error_if: "> 10"
  - id: publish
    kind: publish
    group: publish
    needs: [chk_revenue, mart_marketing]
    connection: warehouse
)";

engine::ContractPtr loadContract()
{
    const engine::LoadResult result = engine::ContractLoader::loadText(
        QByteArray(kContract), QStringLiteral("test.yaml"), QStringLiteral("/tmp"));
    if (!result.ok()) {
        for (const auto &d : result.diagnostics)
            qWarning() << d.message;
    }
    return result.contract;
}

Transition transition(const QString &id, NodeState state, int attempt = 1)
{
    Transition t;
    t.runId = 1;
    t.attempt = attempt;
    t.nodeId = id;
    t.state = state;
    t.at = QDateTime::currentDateTimeUtc();
    t.tries = 1;
    return t;
}

bool near(const QColor &a, const QColor &b)
{
    return qAbs(a.red() - b.red()) <= 4 && qAbs(a.green() - b.green()) <= 4 &&
           qAbs(a.blue() - b.blue()) <= 4;
}

// A chain-and-fan DAG of `count` nodes in ten groups, built in code.
engine::ContractPtr bigContract(int count)
{
    auto contract = std::make_shared<engine::Contract>();
    contract->report.id = QStringLiteral("big");
    for (int i = 0; i < count; ++i) {
        engine::Node node;
        node.id = QStringLiteral("n%1").arg(i);
        node.kind = engine::NodeKind::Noop;
        node.group = QStringLiteral("g%1").arg(i * 10 / count);
        if (i >= 100) {
            node.needs << QStringLiteral("n%1").arg(i - 100);
            node.needs << QStringLiteral("n%1").arg(i - 100 + (i * 7919) % 100);
            if (i % 3 == 0)
                node.needs << QStringLiteral("n%1").arg((i * 104729) % (i - 100));
        }
        contract->nodes.append(node);
    }
    return contract;
}

} // namespace

class TestGraphView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void palette_data();
    void palette();
    void badges();
    void laysOutAndShowsEveryNode();
    void clickSelects();
    void rightClickAsksForContextMenu();
    void doubleClickActivates();
    void liveUpdatesKeepViewAndSelection();
    void failureMarksEdges();
    void searchHighlightsAndCycles();
    void hoverHighlightsPath();
    void sectionFilterShowsOnlyThePath();
    void collapsedGroupShowsWorstState();
    void supersededLayoutIsDropped();
    void modelResetRelaysOut();
    void selectNodeCentres();
    void arrowKeysWalkTheGraph();
    void zoomedOutNodesKeepNameAndPattern();
    void bigGraph();

private:
    void waitForLayout(QSignalSpy &spy, int timeout = kLayoutTimeoutMs);
    QPoint viewPos(const QString &id) const;

    std::unique_ptr<RunModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<GraphView> m_view;
};

void TestGraphView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestGraphView::init()
{
    m_model = std::make_unique<RunModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const engine::ContractPtr contract = loadContract();
    QVERIFY(contract);
    m_model->setContract(contract);
    m_view = std::make_unique<GraphView>();
    m_view->resize(1300, 700);
    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    m_view->setModel(m_model.get());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    waitForLayout(ready);
}

void TestGraphView::cleanup()
{
    m_view.reset();
    m_tester.reset();
    m_model.reset();
}

void TestGraphView::waitForLayout(QSignalSpy &spy, int timeout)
{
    if (spy.isEmpty())
        QVERIFY(spy.wait(timeout));
    QVERIFY(m_view->isLayoutReady());
}

QPoint TestGraphView::viewPos(const QString &id) const
{
    return m_view->mapFromScene(m_view->nodeCenter(id));
}

void TestGraphView::palette_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestGraphView::palette()
{
    QFETCH(bool, dark);
    using ui::StateKey;
    const ui::StatePalette palette(dark ? ui::StatePalette::Variant::Dark
                                        : ui::StatePalette::Variant::Light);
    QCOMPARE(palette.isDark(), dark);
    // Every engine state has its own glyph; colour is never the only signal.
    QSet<QString> glyphs;
    for (int s = 0; s <= int(NodeState::Interrupted); ++s) {
        const ui::StateStyle &style = palette.style(NodeState(s));
        QVERIFY(!style.glyph.isEmpty());
        QVERIFY(style.colour.isValid());
        QCOMPARE(style.name, engine::toString(NodeState(s)));
        glyphs.insert(style.glyph);
    }
    QCOMPARE(glyphs.size(), int(NodeState::Interrupted) + 1);
    QVERIFY(!glyphs.contains(palette.style(StateKey::Waiting).glyph));
    // The problem states differ in colour from success.
    QVERIFY(palette.style(NodeState::Failed).colour != palette.style(NodeState::Succeeded).colour);
    QVERIFY(palette.style(NodeState::Warned).colour != palette.style(NodeState::Failed).colour);
    QCOMPARE(palette.legend().size(), ui::kStateKeyCount);
    QVERIFY(ui::StatePalette::worse(NodeState::Warned, NodeState::Failed) == NodeState::Failed);
    QVERIFY(ui::StatePalette::worse(NodeState::Succeeded, NodeState::Running) ==
            NodeState::Running);

    QPalette window;
    window.setColor(QPalette::Window, dark ? QColor(30, 30, 30) : QColor(240, 240, 240));
    QCOMPARE(ui::StatePalette::forPalette(window).isDark(), dark);
}

void TestGraphView::badges()
{
    using ui::StateKey;
    const engine::ContractPtr contract = loadContract();
    const engine::Node *source = contract->node(QStringLiteral("src_orders"));
    const engine::Node *check = contract->node(QStringLiteral("chk_revenue"));
    ui::NodeView view;

    QVERIFY(!ui::NodeItem::freshnessBadge(source, view));
    view.ageSeconds = 3 * 86400 + 2 * 3600 + 59;
    auto badge = ui::NodeItem::freshnessBadge(source, view);
    QVERIFY(badge);
    QCOMPARE(badge->text, QStringLiteral("3d 2h"));
    QVERIFY(badge->key == StateKey::StaleError);
    view.ageSeconds = 7 * 3600 + 5 * 60;
    QCOMPARE(ui::NodeItem::freshnessBadge(source, view)->text, QStringLiteral("7h 5m"));
    QVERIFY(ui::NodeItem::freshnessBadge(source, view)->key == StateKey::StaleWarn);
    view.ageSeconds = 20 * 60;
    QVERIFY(ui::NodeItem::freshnessBadge(source, view)->key == StateKey::Fresh);
    view.waiting = true;
    QVERIFY(ui::NodeItem::freshnessBadge(source, view)->key == StateKey::Waiting);
    QCOMPARE(ui::NodeItem::freshnessBadge(source, view)->text, QStringLiteral("20m"));
    view.ageSeconds.reset();
    QCOMPARE(ui::NodeItem::freshnessBadge(source, view)->text, QStringLiteral("waiting"));

    ui::NodeView checked;
    QVERIFY(!ui::NodeItem::checkBadge(check, checked));
    checked.value = 14;
    QCOMPARE(ui::NodeItem::checkBadge(check, checked)->text, QStringLiteral("14 > 10"));
    QVERIFY(ui::NodeItem::checkBadge(check, checked)->key == StateKey::Failed);
    checked.value = 3;
    QCOMPARE(ui::NodeItem::checkBadge(check, checked)->text, QStringLiteral("3 > 0"));
    QVERIFY(ui::NodeItem::checkBadge(check, checked)->key == StateKey::Warned);
    checked.value = 0;
    QCOMPARE(ui::NodeItem::checkBadge(check, checked)->text, QStringLiteral("0, not > 0"));
    QVERIFY(ui::NodeItem::checkBadge(check, checked)->key == StateKey::Succeeded);

    // Numbers follow the user's locale.
    const QLocale before;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    checked.value = 1234.5;
    QCOMPARE(ui::NodeItem::checkBadge(check, checked)->text, QStringLiteral("1.234,5 > 10"));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(ui::NodeItem::checkBadge(check, checked)->text, QStringLiteral("1,234.5 > 10"));
    QLocale::setDefault(before);

    QCOMPARE(ui::NodeItem::formatAge(40), QStringLiteral("40s"));
    QCOMPARE(ui::NodeItem::formatAge(14 * 60), QStringLiteral("14m"));
    QCOMPARE(ui::NodeItem::formatAge(2 * 86400), QStringLiteral("2d"));
}

void TestGraphView::laysOutAndShowsEveryNode()
{
    QCOMPARE(m_view->groups(), (QStringList{QStringLiteral("sources"), QStringLiteral("staging"),
                                            QStringLiteral("marts"), QStringLiteral("checks"),
                                            QStringLiteral("publish")}));
    for (int i = 0; i < m_model->nodeCount(); ++i) {
        const QString id = m_model->node(i).id;
        QVERIFY2(m_view->isNodeVisible(id), qPrintable(id));
        QVERIFY(!m_view->nodeCenter(id).isNull());
        QCOMPARE(m_view->stateShown(id), QStringLiteral("\u00b7 pending"));
        QCOMPARE(m_view->nodeAt(viewPos(id)), id);
    }
    // Needs sit to the left of what needs them.
    QVERIFY(m_view->nodeCenter(QStringLiteral("ingest_orders")).x() <
            m_view->nodeCenter(QStringLiteral("src_orders")).x());
    QVERIFY(m_view->nodeCenter(QStringLiteral("mart_marketing")).x() <
            m_view->nodeCenter(QStringLiteral("publish")).x());
    // Fitted: the whole graph is visible.
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(m_view->sceneRect().adjusted(20, 20, -20, -20)));
    const QImage frame = m_view->grab().toImage();
    QVERIFY(!frame.isNull());
}

void TestGraphView::clickSelects()
{
    QSignalSpy selected(m_view.get(), &GraphView::nodeSelected);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, viewPos(QStringLiteral("stg_ads")));
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toString(), QStringLiteral("stg_ads"));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("stg_ads"));

    // The same node again: no new signal.
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, viewPos(QStringLiteral("stg_ads")));
    QCOMPARE(selected.count(), 0);

    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {},
                      viewPos(QStringLiteral("chk_revenue")));
    QCOMPARE(selected.takeFirst().at(0).toString(), QStringLiteral("chk_revenue"));

    // Empty canvas clears.
    const QPoint empty = m_view->mapFromScene(m_view->sceneRect().topLeft() + QPointF(8, 8));
    QVERIFY(m_view->nodeAt(empty).isEmpty());
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, empty);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toString(), QString());
    QCOMPARE(m_view->selectedNode(), QString());
}

void TestGraphView::rightClickAsksForContextMenu()
{
    QSignalSpy menu(m_view.get(), &GraphView::nodeContextMenuRequested);
    const QPoint at = viewPos(QStringLiteral("mart_revenue"));
    QTest::mouseClick(m_view->viewport(), Qt::RightButton, {}, at);
    QCOMPARE(menu.count(), 1);
    QCOMPARE(menu.at(0).at(0).toString(), QStringLiteral("mart_revenue"));
    QCOMPARE(menu.at(0).at(1).toPoint(), m_view->viewport()->mapToGlobal(at));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("mart_revenue"));

    // Not on a node: nothing.
    const QPoint empty = m_view->mapFromScene(m_view->sceneRect().topLeft() + QPointF(8, 8));
    QTest::mouseClick(m_view->viewport(), Qt::RightButton, {}, empty);
    QCOMPARE(menu.count(), 1);
}

void TestGraphView::doubleClickActivates()
{
    QSignalSpy activated(m_view.get(), &GraphView::nodeActivated);
    QTest::mouseDClick(m_view->viewport(), Qt::LeftButton, {}, viewPos(QStringLiteral("publish")));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("publish"));
}

void TestGraphView::liveUpdatesKeepViewAndSelection()
{
    // A readable zoom, centred on a node, and a selection.
    m_view->setTransform(QTransform());
    m_view->selectNode(QStringLiteral("src_orders"));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("src_orders"));
    const QTransform transform = m_view->transform();
    const int h = m_view->horizontalScrollBar()->value();
    const int v = m_view->verticalScrollBar()->value();
    QSignalSpy relayout(m_view.get(), &GraphView::layoutReady);
    QSignalSpy selected(m_view.get(), &GraphView::nodeSelected);
    QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);

    const ui::StatePalette &palette = m_view->statePalette();
    auto stripe = [&](const QString &id) {
        const QPointF topLeft = m_view->nodeCenter(id) - QPointF(134, 30);
        const QPoint at = m_view->mapFromScene(topLeft + QPointF(3.5, 30));
        return m_view->viewport()->grab().toImage().pixelColor(at);
    };
    QVERIFY(near(stripe(QStringLiteral("src_orders")), palette.style(NodeState::Pending).colour));

    Transition fresh = transition(QStringLiteral("src_orders"), NodeState::Warned);
    fresh.freshness = Freshness::StaleWarn;
    fresh.ageSeconds = 7 * 3600;
    m_model->apply({transition(QStringLiteral("ingest_orders"), NodeState::Succeeded), fresh,
                    transition(QStringLiteral("ingest_ads"), NodeState::Running)});
    QVERIFY(changed.wait(5000));

    QCOMPARE(m_view->stateShown(QStringLiteral("ingest_orders")),
             QStringLiteral("\u2714 succeeded"));
    QCOMPARE(m_view->stateShown(QStringLiteral("src_orders")), QStringLiteral("\u26a0 warned"));
    QCOMPARE(m_view->stateShown(QStringLiteral("ingest_ads")), QStringLiteral("\u25b6 running"));
    QTRY_VERIFY(
        near(stripe(QStringLiteral("src_orders")), palette.style(NodeState::Warned).colour));
    QVERIFY(m_view->toolTipFor(QStringLiteral("src_orders")).contains(QStringLiteral("7h")));

    // A rerun (attempt 2) that fails.
    Transition retry = transition(QStringLiteral("src_orders"), NodeState::Failed, 2);
    retry.freshness = Freshness::StaleError;
    retry.ageSeconds = 30 * 3600;
    m_model->apply({retry});
    QVERIFY(changed.wait(5000));
    QCOMPARE(m_view->stateShown(QStringLiteral("src_orders")), QStringLiteral("\u2716 failed"));
    QTRY_VERIFY(
        near(stripe(QStringLiteral("src_orders")), palette.style(NodeState::Failed).colour));
    QVERIFY(m_view->toolTipFor(QStringLiteral("src_orders")).contains(QStringLiteral("attempt 2")));

    // No re-layout, same view, same selection.
    QCOMPARE(relayout.count(), 0);
    QVERIFY(m_view->isLayoutReady());
    QCOMPARE(m_view->transform(), transform);
    QCOMPARE(m_view->horizontalScrollBar()->value(), h);
    QCOMPARE(m_view->verticalScrollBar()->value(), v);
    QCOMPARE(m_view->selectedNode(), QStringLiteral("src_orders"));
    QCOMPARE(selected.count(), 0);
}

void TestGraphView::failureMarksEdges()
{
    QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
    QVERIFY(!m_view->isEdgeMarked(QStringLiteral("src_ads"), QStringLiteral("stg_ads")));
    m_model->apply({transition(QStringLiteral("src_ads"), NodeState::Failed),
                    transition(QStringLiteral("stg_ads"), NodeState::UpstreamFailed)});
    QVERIFY(changed.wait(5000));
    QVERIFY(m_view->isEdgeMarked(QStringLiteral("src_ads"), QStringLiteral("stg_ads")));
    QVERIFY(m_view->isEdgeMarked(QStringLiteral("stg_ads"), QStringLiteral("mart_marketing")));
    QVERIFY(!m_view->isEdgeMarked(QStringLiteral("stg_orders"), QStringLiteral("mart_marketing")));
    QCOMPARE(m_view->stateShown(QStringLiteral("stg_ads")),
             QStringLiteral("\u2298 upstream_failed"));
}

void TestGraphView::searchHighlightsAndCycles()
{
    QSignalSpy selected(m_view.get(), &GraphView::nodeSelected);
    QSignalSpy status(m_view.get(), &GraphView::findStatusChanged);
    const auto lastStatus = [&status] {
        return status.isEmpty() ? QString()
                                : QStringLiteral("%1 of %2")
                                      .arg(status.last().at(0).toInt())
                                      .arg(status.last().at(1).toInt());
    };
    m_view->setSearchText(QStringLiteral("STG"));
    QCOMPARE(m_view->matchCount(), 2);
    QCOMPARE(lastStatus(), QStringLiteral("0 of 2"));
    QVERIFY(m_view->isNodeMatched(QStringLiteral("stg_orders")));
    QVERIFY(m_view->isNodeMatched(QStringLiteral("stg_ads")));
    QVERIFY(!m_view->isNodeDimmed(QStringLiteral("stg_ads")));
    QVERIFY(m_view->isNodeDimmed(QStringLiteral("mart_revenue")));
    QVERIFY(!m_view->isNodeMatched(QStringLiteral("mart_revenue")));

    m_view->findNext();
    const QString first = m_view->selectedNode();
    QVERIFY(first.startsWith(QStringLiteral("stg_")));
    QCOMPARE(lastStatus(), QStringLiteral("1 of 2"));
    m_view->findNext();
    const QString second = m_view->selectedNode();
    QVERIFY(second.startsWith(QStringLiteral("stg_")));
    QVERIFY(second != first);
    QCOMPARE(lastStatus(), QStringLiteral("2 of 2"));
    QCOMPARE(m_view->currentMatch(), 2);
    QTest::keyClick(m_view.get(), Qt::Key_Return); // Enter cycles too
    QCOMPARE(m_view->selectedNode(), first);
    QCOMPARE(lastStatus(), QStringLiteral("1 of 2"));
    QCOMPARE(selected.count(), 3);
    // The current match is in view.
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(m_view->nodeCenter(first)));

    m_view->setSearchText(QString());
    QCOMPARE(m_view->matchCount(), 0);
    QCOMPARE(lastStatus(), QStringLiteral("0 of 0"));
    QVERIFY(!m_view->isNodeDimmed(QStringLiteral("mart_revenue")));
    QVERIFY(!m_view->isNodeMatched(QStringLiteral("stg_ads")));
}

void TestGraphView::hoverHighlightsPath()
{
    QTest::mouseMove(m_view->viewport(), viewPos(QStringLiteral("stg_ads")));
    if (!m_view->isNodeDimmed(QStringLiteral("mart_revenue")))
        m_view->hoverAt(viewPos(QStringLiteral("stg_ads"))); // no synthetic move on this platform
    for (const char *id : {"ingest_ads", "src_ads", "stg_ads", "mart_marketing", "publish"})
        QVERIFY2(!m_view->isNodeDimmed(QString::fromLatin1(id)), id);
    for (const char *id :
         {"ingest_orders", "src_orders", "stg_orders", "mart_revenue", "chk_revenue"})
        QVERIFY2(m_view->isNodeDimmed(QString::fromLatin1(id)), id);

    const QPoint empty = m_view->mapFromScene(m_view->sceneRect().topLeft() + QPointF(8, 8));
    m_view->hoverAt(empty);
    QVERIFY(!m_view->isNodeDimmed(QStringLiteral("mart_revenue")));

    // A context menu opened on a node and closed with the mouse elsewhere
    // leaves no fade behind (the menu runs modally inside the signal).
    m_view->hoverAt(viewPos(QStringLiteral("stg_ads")));
    QVERIFY(m_view->isNodeDimmed(QStringLiteral("mart_revenue")));
    const QPoint away = m_view->viewport()->mapToGlobal(empty);
    const auto menu = connect(m_view.get(), &GraphView::nodeContextMenuRequested, this,
                              [away] { QCursor::setPos(away); });
    QTest::mouseClick(m_view->viewport(), Qt::RightButton, {}, viewPos(QStringLiteral("stg_ads")));
    disconnect(menu);
    QVERIFY(!m_view->isNodeDimmed(QStringLiteral("mart_revenue")));
}

void TestGraphView::sectionFilterShowsOnlyThePath()
{
    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    m_view->setSectionFilter(QStringLiteral("revenue"));
    QVERIFY(!m_view->isLayoutReady());
    waitForLayout(ready);
    for (const char *id :
         {"ingest_orders", "src_orders", "stg_orders", "mart_revenue", "chk_revenue"})
        QVERIFY2(m_view->isNodeVisible(QString::fromLatin1(id)), id);
    for (const char *id : {"ingest_ads", "src_ads", "stg_ads", "mart_marketing", "publish"}) {
        QVERIFY2(!m_view->isNodeVisible(QString::fromLatin1(id)), id);
        QVERIFY(m_view->nodeCenter(QString::fromLatin1(id)).isNull());
    }
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {},
                      viewPos(QStringLiteral("chk_revenue")));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("chk_revenue"));

    ready.clear();
    m_view->setSectionFilter(QString());
    waitForLayout(ready);
    for (int i = 0; i < m_model->nodeCount(); ++i)
        QVERIFY(m_view->isNodeVisible(m_model->node(i).id));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("chk_revenue"));
}

void TestGraphView::collapsedGroupShowsWorstState()
{
    QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
    m_model->apply({transition(QStringLiteral("ingest_orders"), NodeState::Succeeded),
                    transition(QStringLiteral("src_orders"), NodeState::Warned),
                    transition(QStringLiteral("ingest_ads"), NodeState::Running)});
    QVERIFY(changed.wait(5000));

    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    m_view->setGroupCollapsed(QStringLiteral("sources"), true);
    QVERIFY(m_view->isGroupCollapsed(QStringLiteral("sources")));
    waitForLayout(ready);
    for (const char *id : {"ingest_orders", "src_orders", "ingest_ads", "src_ads"})
        QVERIFY2(!m_view->isNodeVisible(QString::fromLatin1(id)), id);
    QVERIFY(m_view->isNodeVisible(QStringLiteral("stg_orders")));
    QVERIFY(m_view->isGroupBoxVisible(QStringLiteral("sources")));
    QCOMPARE(m_view->groupStateShown(QStringLiteral("sources")), QStringLiteral("\u26a0 warned"));
    // A hidden node is found at its group box.
    QCOMPARE(m_view->nodeCenter(QStringLiteral("src_orders")),
             m_view->nodeCenter(QStringLiteral("ingest_ads")));
    QCOMPARE(m_view->stateShown(QStringLiteral("src_ads")), QStringLiteral("\u26a0 warned"));
    // The box sits before staging.
    QVERIFY(m_view->nodeCenter(QStringLiteral("src_orders")).x() <
            m_view->nodeCenter(QStringLiteral("stg_orders")).x());

    // Live: a failure inside the group becomes the group's worst state.
    m_model->apply({transition(QStringLiteral("src_ads"), NodeState::Failed)});
    QVERIFY(changed.wait(5000));
    QCOMPARE(m_view->groupStateShown(QStringLiteral("sources")), QStringLiteral("\u2716 failed"));
    QVERIFY(m_view->isEdgeMarked(QStringLiteral("src_ads"), QStringLiteral("stg_ads")));
    // The box's edge to stg_orders stands for src_orders (warned): not marked.
    QVERIFY(!m_view->isEdgeMarked(QStringLiteral("src_orders"), QStringLiteral("stg_orders")));
    QCOMPARE(ready.count(), 1);

    // Clicking the box selects no node; double-clicking expands it.
    const QPoint box = viewPos(QStringLiteral("src_ads"));
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, box);
    QCOMPARE(m_view->selectedNode(), QString());
    ready.clear();
    QTest::mouseDClick(m_view->viewport(), Qt::LeftButton, {}, box);
    QVERIFY(!m_view->isGroupCollapsed(QStringLiteral("sources")));
    waitForLayout(ready);
    QVERIFY(!m_view->isGroupBoxVisible(QStringLiteral("sources")));
    QVERIFY(m_view->isNodeVisible(QStringLiteral("src_ads")));
    QCOMPARE(m_view->stateShown(QStringLiteral("src_ads")), QStringLiteral("\u2716 failed"));
}

void TestGraphView::supersededLayoutIsDropped()
{
    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    QSignalSpy dropped(m_view.get(), &GraphView::staleLayoutDropped);
    m_view->setSectionFilter(QStringLiteral("revenue"));
    m_view->setGroupCollapsed(QStringLiteral("staging"), true);
    m_view->setSectionFilter(QString());
    waitForLayout(ready);
    // The two superseded layouts arrive too, whenever their workers end, and
    // are dropped: only the last request was shown.
    QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 2, 20000);
    QCOMPARE(ready.count(), 1);
    QVERIFY(m_view->isNodeVisible(QStringLiteral("publish")));
    QVERIFY(!m_view->isNodeVisible(QStringLiteral("stg_ads")));
    QVERIFY(m_view->isGroupBoxVisible(QStringLiteral("staging")));
}

void TestGraphView::modelResetRelaysOut()
{
    m_view->selectNode(QStringLiteral("publish"));
    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    QSignalSpy selected(m_view.get(), &GraphView::nodeSelected);
    m_model->setContract(loadContract());
    QVERIFY(!m_view->isLayoutReady());
    QCOMPARE(selected.count(), 1); // cleared: the old ids are gone
    QCOMPARE(m_view->selectedNode(), QString());
    waitForLayout(ready);
    QVERIFY(m_view->isNodeVisible(QStringLiteral("publish")));

    // A model deleted first is forgotten.
    m_tester.reset();
    m_model.reset();
    QVERIFY(!m_view->isLayoutReady());
    QVERIFY(!m_view->isNodeVisible(QStringLiteral("publish")));
    QVERIFY(!m_view->grab().isNull());
}

void TestGraphView::selectNodeCentres()
{
    m_view->setTransform(QTransform::fromScale(1.5, 1.5));
    m_view->selectNode(QStringLiteral("ingest_ads"));
    QCOMPARE(m_view->selectedNode(), QStringLiteral("ingest_ads"));
    const QPointF centre = m_view->mapToScene(m_view->viewport()->rect().center());
    const QPointF node = m_view->nodeCenter(QStringLiteral("ingest_ads"));
    // Centred, unless the scene's edge stops the scroll.
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(node));
    QVERIFY(QLineF(centre, node).length() < 400);
    m_view->selectNode(QStringLiteral("no_such_node"));
    QCOMPARE(m_view->selectedNode(), QString());

    // Zoom with the wheel keeps the point under the cursor (along x: this
    // graph is too flat to scroll vertically at this zoom).
    m_view->selectNode(QStringLiteral("mart_revenue"));
    const QPoint cursor = viewPos(QStringLiteral("mart_revenue")) + QPoint(30, 0);
    const QPointF before = m_view->mapToScene(cursor);
    QWheelEvent wheel(QPointF(cursor), m_view->viewport()->mapToGlobal(QPointF(cursor)), QPoint(),
                      QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &wheel);
    QVERIFY(m_view->transform().m11() < 1.5);
    QVERIFY(qAbs(m_view->mapToScene(cursor).x() - before.x()) < 2);
}

void TestGraphView::arrowKeysWalkTheGraph()
{
    const auto press = [this](Qt::Key key) {
        QTest::keyClick(m_view.get(), key);
        return m_view->selectedNode();
    };
    // Nothing selected: an arrow starts at the first node in reading order.
    QVERIFY(press(Qt::Key_Right).startsWith(QStringLiteral("ingest_")));
    m_view->selectNode(QStringLiteral("ingest_orders"));
    // Right follows the flow, Left goes back to what the node needs.
    QCOMPARE(press(Qt::Key_Right), QStringLiteral("src_orders"));
    QCOMPARE(press(Qt::Key_Right), QStringLiteral("stg_orders"));
    const QString next = press(Qt::Key_Right);
    QVERIFY2(next == QStringLiteral("mart_revenue") || next == QStringLiteral("mart_marketing"),
             qPrintable(next));
    QCOMPARE(press(Qt::Key_Left), QStringLiteral("stg_orders"));
    QCOMPARE(press(Qt::Key_Left), QStringLiteral("src_orders"));
    QCOMPARE(press(Qt::Key_Left), QStringLiteral("ingest_orders"));
    QCOMPARE(press(Qt::Key_Left), QStringLiteral("ingest_orders")); // a source: nowhere to go
    // Up and Down stay in the column: the other ingest node, and back.
    const bool adsBelow = m_view->nodeCenter(QStringLiteral("ingest_ads")).y() >
                          m_view->nodeCenter(QStringLiteral("ingest_orders")).y();
    QCOMPARE(press(adsBelow ? Qt::Key_Down : Qt::Key_Up), QStringLiteral("ingest_ads"));
    QCOMPARE(press(adsBelow ? Qt::Key_Up : Qt::Key_Down), QStringLiteral("ingest_orders"));
    // The selection is kept in view.
    m_view->setTransform(QTransform::fromScale(2, 2));
    m_view->centerOn(m_view->nodeCenter(QStringLiteral("ingest_orders")));
    press(Qt::Key_Right);
    press(Qt::Key_Right);
    press(Qt::Key_Right);
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(m_view->nodeCenter(m_view->selectedNode())));
}

void TestGraphView::zoomedOutNodesKeepNameAndPattern()
{
    // A name stays on a zoomed-out box while it can be drawn at 8 px.
    const QSizeF box(268, 60);
    QVERIFY(ui::NodeItem::coarseNamePixels(0.3, box) >= 8);
    QVERIFY(ui::NodeItem::coarseNamePixels(0.22, box) >= 8);
    QCOMPARE(ui::NodeItem::coarseNamePixels(0.15, box), 0.0);
    QVERIFY(ui::NodeItem::coarseNamePixels(1.0, box) >= 8); // the full box

    // Failed and upstream-failed differ by more than shade: the blocked
    // state is hatched. Sample the ends of each box, away from the glyph.
    QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
    m_model->apply({transition(QStringLiteral("mart_revenue"), NodeState::Failed),
                    transition(QStringLiteral("chk_revenue"), NodeState::UpstreamFailed)});
    QVERIFY(changed.wait(5000));
    m_view->setTransform(QTransform::fromScale(0.15, 0.15));
    m_view->centerOn(m_view->nodeCenter(QStringLiteral("mart_revenue")));
    QCoreApplication::processEvents();
    const QImage shot = m_view->viewport()->grab().toImage();
    const auto coloursAtEnds = [&](const QString &id) {
        const QPoint centre = viewPos(id);
        const int half = int(box.width() * 0.15 / 2);
        QSet<QRgb> colours;
        for (int dx : {-half + 2, -half + 4, half - 4, half - 2})
            for (int dy = -2; dy <= 2; ++dy)
                colours.insert(shot.pixel(centre + QPoint(dx, dy)));
        return colours.size();
    };
    QCOMPARE(coloursAtEnds(QStringLiteral("mart_revenue")), 1);
    QVERIFY(coloursAtEnds(QStringLiteral("chk_revenue")) > 1);
}

void TestGraphView::bigGraph()
{
    constexpr int count = 10000;
    QSignalSpy ready(m_view.get(), &GraphView::layoutReady);
    m_model->setContract(bigContract(count));
    QCOMPARE(m_model->nodeCount(), count);
    waitForLayout(ready, kBigLayoutTimeoutMs);
    QVERIFY(m_view->isNodeVisible(QStringLiteral("n9999")));

    // The overview (coarse boxes), then a readable zoom on one node.
    QVERIFY(!m_view->grab().isNull());
    m_view->setTransform(QTransform());
    m_view->selectNode(QStringLiteral("n5000"));
    QVERIFY(!m_view->grab().isNull());

    QList<Transition> batch;
    for (int i = 0; i < count; i += 7)
        batch << transition(QStringLiteral("n%1").arg(i),
                            i % 2 ? NodeState::Failed : NodeState::Succeeded);
    QSignalSpy changed(m_model.get(), &RunModel::nodesChanged);
    m_model->apply(batch);
    QVERIFY(changed.wait(5000));
    QCOMPARE(m_view->stateShown(QStringLiteral("n7")), QStringLiteral("\u2716 failed"));
    m_view->hoverAt(viewPos(QStringLiteral("n5000")));
    QVERIFY(!m_view->grab().isNull());
    m_view->fitAll();
    m_view->setGroupCollapsed(QStringLiteral("g3"), true);
    ready.clear();
    waitForLayout(ready, kBigLayoutTimeoutMs);
    QVERIFY(m_view->isGroupBoxVisible(QStringLiteral("g3")));
    QVERIFY(!m_view->grab().isNull());
}

VOUCH_TEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
