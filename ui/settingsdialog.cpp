#include "ui/settingsdialog.h"

#include "engine/alert/outbox.h"
#include "engine/store/statestore.h"
#include "engine/util/secrets.h"
#include "engine/util/worker.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

SecretEntryDialog::SecretEntryDialog(const QString &name, QWidget *parent)
    : QDialog(parent)
    , m_name(new QLineEdit(name, this))
    , m_value(new QLineEdit(this))
{
    setObjectName(QStringLiteral("secretEntryDialog"));
    setWindowTitle(tr("Set a secret"));
    m_name->setObjectName(QStringLiteral("secretName"));
    m_value->setObjectName(QStringLiteral("secretValue"));
    m_value->setEchoMode(QLineEdit::Password);
    m_name->setPlaceholderText(tr("e.g. slack_finance"));
    auto *form = new QFormLayout;
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Value:"), m_value);
    auto *note = new QLabel(tr("Kept in the OS keychain. A contract refers to it as "
                               "<code>keychain:NAME</code>; the value is never shown again."),
                            this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    QPushButton *save = buttons->button(QDialogButtonBox::Save);
    save->setEnabled(false);
    const auto validate = [this, save] {
        save->setEnabled(isValidSecretName(m_name->text()) && !m_value->text().isEmpty());
    };
    connect(m_name, &QLineEdit::textChanged, this, validate);
    connect(m_value, &QLineEdit::textChanged, this, validate);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    validate();
}

SettingsDialog::SettingsDialog(ContractPtr contract, const QString &statePath, QWidget *parent)
    : QDialog(parent)
    , m_contract(std::move(contract))
    , m_statePath(statePath)
    , m_secrets(new QListWidget(this))
    , m_channels(new QTableWidget(this))
    , m_set(new QPushButton(tr("Set or replace…"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_status(new QLabel(this))
    , m_missing(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    resize(760, 520);
    m_secrets->setObjectName(QStringLiteral("secretList"));
    m_channels->setObjectName(QStringLiteral("channelTable"));
    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_delete->setEnabled(false);

    auto *secretsBox = new QGroupBox(tr("Secrets in the keychain"), this);
    auto *secretButtons = new QVBoxLayout;
    secretButtons->addWidget(m_set);
    secretButtons->addWidget(m_delete);
    secretButtons->addStretch();
    auto *secretsLayout = new QHBoxLayout(secretsBox);
    secretsLayout->addWidget(m_secrets, 1);
    secretsLayout->addLayout(secretButtons);

    auto *channelsBox = new QGroupBox(tr("Alert channels of this contract"), this);
    m_channels->setColumnCount(5);
    m_channels->setHorizontalHeaderLabels(
        {tr("Channel"), tr("Service"), tr("Secret"), tr("Secret found"), tr("Deliveries")});
    m_channels->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_channels->horizontalHeader()->setStretchLastSection(true);
    m_channels->verticalHeader()->hide();
    m_channels->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_missing->setObjectName(QStringLiteral("missingSecrets"));
    m_missing->setWordWrap(true);
    m_missing->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_missing->hide();
    auto *channelsLayout = new QVBoxLayout(channelsBox);
    channelsLayout->addWidget(m_channels);
    channelsLayout->addWidget(m_missing);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(secretsBox, 1);
    layout->addWidget(channelsBox, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_set, &QPushButton::clicked, this, [this] { requestSet(); });
    connect(m_delete, &QPushButton::clicked, this, &SettingsDialog::deleteSelected);
    connect(m_secrets, &QListWidget::currentRowChanged, this,
            [this](int row) { m_delete->setEnabled(row >= 0); });
    reload();
}

void SettingsDialog::reload()
{
    reloadSecrets();
    reloadChannels();
}

void SettingsDialog::setStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #c62828;") : QString());
}

void SettingsDialog::reloadSecrets()
{
    struct Result
    {
        std::optional<QStringList> names;
        QString error;
    };
    runOnWorker(
        this,
        [] {
            Result r;
            r.names = secretNames(&r.error);
            return r;
        },
        [this](Result r) {
            m_secrets->clear();
            if (!r.names)
                setStatus(r.error, true);
            else
                m_secrets->addItems(*r.names);
            m_delete->setEnabled(m_secrets->currentRow() >= 0);
            Q_EMIT secretsLoaded();
        });
}

void SettingsDialog::reloadChannels()
{
    struct Row
    {
        QString name;
        QString service;
        QString references;
        QString found;
        QString foundDetail;
        bool missing = false;
        QString deliveries;
        bool failed = false;
    };
    const ContractPtr contract = m_contract;
    const QString statePath = m_statePath;
    runOnWorker(
        this,
        [contract, statePath] {
            QList<Row> rows;
            if (!contract)
                return rows;
            QList<engine::Delivery> deliveries;
            if (!statePath.isEmpty()) {
                QString error;
                if (auto store = StateStore::open(statePath, &error))
                    deliveries = Outbox(*store).deliveries();
            }
            for (const AlertChannel &ch : contract->alerting.channels) {
                Row row;
                row.name = ch.name;
                row.service = toString(ch.type);
                QStringList refs;
                for (const QString &ref : {ch.url, ch.routingKey, ch.signingSecret}) {
                    if (ref.startsWith(QLatin1String("keychain:")) ||
                        ref.startsWith(QLatin1String("${")))
                        refs << ref;
                }
                row.references = refs.join(QStringLiteral(", "));
                QStringList problems;
                for (const QString &ref : std::as_const(refs)) {
                    QString error;
                    if (!resolveSecret(ref, &error)) // the value is dropped at once
                        problems << error;
                }
                row.missing = !problems.isEmpty();
                row.found = problems.isEmpty() ? tr("yes") : tr("no");
                row.foundDetail = problems.join(QLatin1Char('\n'));
                int delivered = 0, pending = 0, failed = 0;
                for (const engine::Delivery &d : std::as_const(deliveries)) {
                    if (d.channel != ch.name || d.reportId != contract->report.id)
                        continue;
                    delivered += d.status == DeliveryStatus::Delivered;
                    pending += d.status == DeliveryStatus::Pending;
                    failed += d.status == DeliveryStatus::Failed;
                }
                row.failed = failed > 0;
                row.deliveries = tr("%1 delivered, %2 waiting, %3 failed")
                                     .arg(delivered)
                                     .arg(pending)
                                     .arg(failed);
                rows << row;
            }
            return rows;
        },
        [this](QList<Row> rows) {
            m_channels->setRowCount(int(rows.size()));
            for (int i = 0; i < rows.size(); ++i) {
                const Row &r = rows.at(i);
                const QStringList cells = {r.name, r.service, r.references, r.found, r.deliveries};
                for (int c = 0; c < cells.size(); ++c) {
                    auto *item = new QTableWidgetItem(cells.at(c));
                    if ((c == 3 && r.missing) || (c == 4 && r.failed))
                        item->setForeground(QColor(0xc6, 0x28, 0x28));
                    if (c == 3 && r.missing)
                        item->setToolTip(r.foundDetail);
                    m_channels->setItem(i, c, item);
                }
            }
            if (rows.isEmpty() && m_status->text().isEmpty())
                setStatus(tr("This contract has no alert channels (alerting.channels)."), false);
            QStringList missing;
            for (const Row &r : rows) {
                if (r.missing)
                    missing << tr("%1: %2").arg(r.name, r.foundDetail);
            }
            m_missing->setText(missing.join(QLatin1Char('\n')));
            m_missing->setVisible(!missing.isEmpty());
            Q_EMIT channelsLoaded();
        });
}

SecretEntryDialog *SettingsDialog::requestSet()
{
    const QString current = m_secrets->currentItem() ? m_secrets->currentItem()->text() : QString();
    auto *dialog = new SecretEntryDialog(current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        storeSecret(dialog->nameEdit()->text(), dialog->valueEdit()->text());
    });
    dialog->open();
    return dialog;
}

void SettingsDialog::storeSecret(const QString &name, const QString &value)
{
    runOnWorker(
        this,
        [name, value] {
            QString error;
            return writeSecret(name, value, &error) ? QString() : error;
        },
        [this, name](QString error) {
            if (error.isEmpty())
                setStatus(tr("Stored %1 in the keychain.").arg(name), false);
            else
                setStatus(error, true);
            reload();
        });
}

void SettingsDialog::deleteSelected()
{
    if (!m_secrets->currentItem())
        return;
    const QString name = m_secrets->currentItem()->text();
    runOnWorker(
        this,
        [name] {
            QString error;
            return deleteSecret(name, &error) ? QString() : error;
        },
        [this, name](QString error) {
            if (error.isEmpty())
                setStatus(tr("Deleted %1 from the keychain.").arg(name), false);
            else
                setStatus(error, true);
            reload();
        });
}

} // namespace vouch::ui
