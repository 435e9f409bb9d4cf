#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace vouch::engine {

// A log file with a size cap that keeps both ends of the output.
//
// Output is written to the file as it arrives, so a viewer can follow it live.
// The file is created with the first output: a command that prints nothing
// leaves no file (a reader treats a missing log as an empty one).
// Once the total exceeds maxBytes the file stops growing: its first
// maxBytes - maxBytes/2 bytes (the head) stay as written, and the last
// maxBytes/2 bytes (the tail) are kept in a ring buffer. finish() then
// truncates the file to the head and appends a marker line and the tail, so a
// capped log reads head, "[vouch: N bytes cut from the middle of this log]",
// tail. The interesting parts of a failing command's output (how it started,
// how it ended) survive; memory stays bounded by maxBytes/2.
//
// With an empty path nothing is written; counting and lastLine() still work.
// A value; not thread-safe; QtCore only.
class CappedLog
{
public:
    // maxBytes <= 0 means no cap.
    explicit CappedLog(QString path, qint64 maxBytes);
    ~CappedLog(); // finish()es if still open
    CappedLog(const CappedLog &) = delete;
    CappedLog &operator=(const CappedLog &) = delete;

    // Creates the parent directories and removes a regular file of that
    // name; the new file is created on the first append(). Returns false
    // (see errorString()) when the directory cannot be written, or when the
    // path is a symbolic link or anything but a regular file: the log never
    // writes through it. Something planted at the path between open() and
    // the first output is refused the same way, then (finish() says so).
    bool open();
    void append(const QByteArray &data);
    // Writes head + marker + tail if output was cut, and closes the file.
    // Idempotent. Returns false if any write failed (see errorString()).
    bool finish();

    QString path() const { return m_path; }
    qint64 maxBytes() const { return m_maxBytes; }
    qint64 totalBytes() const { return m_total; } // everything appended, before capping
    qint64 cutBytes() const; // bytes that are (or will be) missing from the file
    bool isCut() const { return cutBytes() > 0; }
    QString errorString() const { return m_error; }

    // The last non-empty line of the output, trimmed, at most maxChars long.
    QString lastLine(int maxChars = 200) const;

    static QByteArray marker(qint64 cutBytes);

    // The last `cap` bytes of a log file (all of it when shorter); empty when
    // it cannot be read. File I/O: call it off the GUI thread.
    static QByteArray readTail(const QString &path, qint64 cap);

private:
    bool create();
    void writeToFile(const char *data, qint64 size);
    void pushTail(const char *data, qint64 size);
    QByteArray tail() const;
    void setError(const QString &error);
    QString refusal(unsigned mode) const; // why the path was refused, and what to do

    QString m_path;
    qint64 m_maxBytes;
    qint64 m_headLimit;
    qint64 m_tailLimit;
    QFile m_file;
    qint64 m_total = 0;
    bool m_finished = false;
    bool m_opened = false;  // open() succeeded
    bool m_created = false; // the file was created (or creating it failed)
    QString m_error;

    // The bytes after the head, last m_tailLimit of them, as a ring.
    QByteArray m_ring;
    qint64 m_ringPos = 0;    // where the next byte goes
    qint64 m_ringFilled = 0; // valid bytes in the ring

    QByteArray m_recent; // last few KiB, for lastLine()
};

} // namespace vouch::engine
