#pragma once

// Settings: the secrets Vouch keeps in the OS keychain (names only; a value
// can be set or replaced, never shown) and the contract's alert channels
// with whether their secrets resolve and how their deliveries stand.
// Keychain and store calls run on worker threads.

#include "engine/contract/contract.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace vouch::ui {

// Asks for a secret's name and value (the value is typed blind).
class SecretEntryDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SecretEntryDialog(const QString &name, QWidget *parent = nullptr);
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *valueEdit() const { return m_value; }

private:
    QLineEdit *m_name;
    QLineEdit *m_value;
};

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(engine::ContractPtr contract, const QString &statePath,
                   QWidget *parent = nullptr);

    QListWidget *secretList() const { return m_secrets; }
    QTableWidget *channelTable() const { return m_channels; }
    QPushButton *setButton() const { return m_set; }
    QPushButton *deleteButton() const { return m_delete; }
    QLabel *statusLabel() const { return m_status; }
    // What each channel whose secrets do not resolve is missing.
    QLabel *missingLabel() const { return m_missing; }

    void reload();
    // Opens the entry dialog (window-modal, not blocking); on accept the
    // secret is written and the lists reload.
    SecretEntryDialog *requestSet();
    // Deletes the selected secret (no value is ever read).
    void deleteSelected();
    void storeSecret(const QString &name, const QString &value);

Q_SIGNALS:
    void secretsLoaded();
    void channelsLoaded();

private:
    void reloadSecrets();
    void reloadChannels();
    void setStatus(const QString &text, bool problem);

    engine::ContractPtr m_contract;
    QString m_statePath;
    QListWidget *m_secrets;
    QTableWidget *m_channels;
    QPushButton *m_set;
    QPushButton *m_delete;
    QLabel *m_status;
    QLabel *m_missing;
};

} // namespace vouch::ui
