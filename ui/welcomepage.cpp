#include "ui/welcomepage.h"

#include "engine/demo/demowarehouse.h"
#include "ui/graph/statepalette.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace vouch::ui {

QString WelcomePage::scenarioLabel(const QString &scenario)
{
    if (scenario == QLatin1String("all-green"))
        return WelcomePage::tr("All green: every source on time, every check passes");
    if (scenario == QLatin1String("sku-cost-gap"))
        return WelcomePage::tr("SKU cost gap: 14 products sold without a unit cost");
    if (scenario == QLatin1String("late-stripe"))
        return WelcomePage::tr("Late Stripe: the last payouts have not landed yet");
    if (scenario == QLatin1String("missing-ad-spend"))
        return WelcomePage::tr("Missing ad spend: TikTok sent no spend this week");
    if (scenario == QLatin1String("stale-inventory"))
        return WelcomePage::tr("Stale inventory: no stock snapshot since Thursday");
    if (scenario == QLatin1String("bridge-variance"))
        return WelcomePage::tr("Bridge variance: some payments captured twice");
    if (scenario == QLatin1String("missing-shopify"))
        return WelcomePage::tr("Missing Shopify: no orders since the week began");
    if (scenario == QLatin1String("month-end-gap"))
        return WelcomePage::tr("Month-end gap: one day of last month's orders never loaded");
    return scenario;
}

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
    , m_scenario(new QComboBox(this))
    , m_demo(new QPushButton(tr("Open the Brightside demo"), this))
    , m_open(new QPushButton(tr("Open a contract…"), this))
    , m_recentCaption(new QLabel(tr("Recent contracts"), this))
    , m_recent(new QListWidget(this))
    , m_demoReportsCaption(new QLabel(tr("The demo's reports"), this))
    , m_demoReports(new QListWidget(this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *outer = new QHBoxLayout(this);
    auto *column = new QVBoxLayout;
    outer->addStretch(1);
    outer->addLayout(column, 2);
    outer->addStretch(1);

    auto *title = new QLabel(tr("Welcome to Vouch"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.8);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *intro = new QLabel(tr("Vouch runs a report's reporting path and tells you whether every "
                                "dependency a decision needs arrived, passed its checks and can "
                                "be published on time."),
                             this);
    intro->setWordWrap(true);
    column->addStretch(1);
    column->addWidget(title);
    column->addWidget(intro);
    column->addSpacing(16);

    auto *demoCaption = new QLabel(tr("Try it on the Brightside demo shop. Choose what goes "
                                      "wrong this Monday:"),
                                   this);
    demoCaption->setWordWrap(true);
    column->addWidget(demoCaption);
    m_scenario->setObjectName(QStringLiteral("scenarioCombo"));
    for (const QString &s : engine::demo::scenarios())
        m_scenario->addItem(scenarioLabel(s), s);
    m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(QStringLiteral("sku-cost-gap"))));
    auto *demoRow = new QHBoxLayout;
    demoRow->addWidget(m_scenario, 1);
    m_demo->setObjectName(QStringLiteral("openDemoButton"));
    m_demo->setDefault(true);
    demoRow->addWidget(m_demo);
    column->addLayout(demoRow);
    column->addSpacing(8);
    // The reports of the demo warehouse made earlier, each with its verdict.
    column->addWidget(m_demoReportsCaption);
    m_demoReports->setObjectName(QStringLiteral("demoReportsList"));
    m_demoReports->setMaximumHeight(64);
    column->addWidget(m_demoReports);
    column->addSpacing(12);

    m_open->setObjectName(QStringLiteral("openContractButton"));
    auto *openRow = new QHBoxLayout;
    openRow->addWidget(m_open);
    openRow->addStretch(1);
    column->addLayout(openRow);
    column->addSpacing(12);

    column->addWidget(m_recentCaption);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setMaximumHeight(180);
    column->addWidget(m_recent);

    m_message->setObjectName(QStringLiteral("welcomeMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    column->addWidget(m_message);
    column->addStretch(2);

    connect(m_demo, &QPushButton::clicked, this, [this] { Q_EMIT openDemoRequested(scenario()); });
    connect(m_open, &QPushButton::clicked, this, &WelcomePage::openContractRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT recentRequested(item->data(Qt::UserRole).toString());
    });
    connect(m_demoReports, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT demoReportRequested(item->data(Qt::UserRole).toString());
    });
    setRecentContracts({});
    setDemoReports({});
}

void WelcomePage::setDemoReports(const QList<DemoReportEntry> &reports)
{
    m_demoReports->clear();
    for (const DemoReportEntry &r : reports) {
        auto *item = new QListWidgetItem(demoReportLabel(r), m_demoReports);
        item->setData(Qt::UserRole, r.contractPath);
        item->setToolTip(r.contractPath);
    }
    m_demoReportsCaption->setVisible(!reports.isEmpty());
    m_demoReports->setVisible(!reports.isEmpty());
}

void WelcomePage::setRecentContracts(const QStringList &paths)
{
    m_recent->clear();
    for (const QString &path : paths) {
        auto *item = new QListWidgetItem(QFileInfo(path).fileName() + QStringLiteral("  —  ") +
                                             QDir::toNativeSeparators(path),
                                         m_recent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
    }
    m_recentCaption->setVisible(!paths.isEmpty());
    m_recent->setVisible(!paths.isEmpty());
}

void WelcomePage::setMessage(const QString &text)
{
    m_message->setText(text);
    // The failure colour of the state palette, light or dark like the window.
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText,
               StatePalette::forPalette(palette()).style(StateKey::Failed).colour);
    m_message->setPalette(p);
    m_message->setVisible(!text.isEmpty());
}

QString WelcomePage::scenario() const
{
    return m_scenario->currentData().toString();
}

void WelcomePage::setBusy(bool busy)
{
    m_demo->setEnabled(!busy);
    m_open->setEnabled(!busy);
    m_recent->setEnabled(!busy);
    m_demoReports->setEnabled(!busy);
}

} // namespace vouch::ui
