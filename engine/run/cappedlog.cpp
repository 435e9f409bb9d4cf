#include "engine/run/cappedlog.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vouch::engine {

namespace {
// Enough to find the last line of output without keeping it all.
constexpr qint64 RecentBytes = 4096;
} // namespace

CappedLog::CappedLog(QString path, qint64 maxBytes)
    : m_path(std::move(path))
    , m_maxBytes(maxBytes > 0 ? maxBytes : 0)
    , m_headLimit(m_maxBytes - m_maxBytes / 2)
    , m_tailLimit(m_maxBytes / 2)
{}

CappedLog::~CappedLog()
{
    finish();
}

bool CappedLog::open()
{
    if (m_path.isEmpty())
        return true;
    const QFileInfo info(m_path);
    // Only checks here; the file is created on the first output (create()),
    // so a silent command leaves no file and costs no inode.
    if (!QDir().mkpath(info.absolutePath())) {
        setError(QStringLiteral("cannot create directory %1").arg(info.absolutePath()));
        return false;
    }
    const QByteArray directory = QFile::encodeName(info.absolutePath());
    if (::access(directory.constData(), W_OK | X_OK) != 0) {
        setError(QStringLiteral("cannot write log file %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(errno))));
        return false;
    }
    // Log paths are predictable (logs/RUN/ATTEMPT/NODE.TRY.log): whoever can
    // write there could plant a symbolic link and have the command's output
    // overwrite its target. A previous regular log of the same name is
    // replaced; anything else is refused, and the file is created with
    // O_EXCL | O_NOFOLLOW so that nothing planted in between is followed.
    const QByteArray native = QFile::encodeName(m_path);
    struct stat existing = {};
    if (::lstat(native.constData(), &existing) == 0) {
        if (!S_ISREG(existing.st_mode)) {
            setError(refusal(existing.st_mode));
            return false;
        }
        if (::unlink(native.constData()) != 0 && errno != ENOENT) {
            setError(QStringLiteral("cannot replace log file %1: %2")
                         .arg(m_path, QString::fromLocal8Bit(std::strerror(errno))));
            return false;
        }
    }
    m_opened = true;
    return true;
}

bool CappedLog::create()
{
    m_created = true;
    const QByteArray native = QFile::encodeName(m_path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          0666); // the umask decides, as for any file the user creates
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST || error == ELOOP) {
            // Something appeared at the path after it was checked.
            struct stat now = {};
            setError(::lstat(native.constData(), &now) == 0 ? refusal(now.st_mode)
                                                            : refusal(S_IFLNK));
        } else {
            setError(QStringLiteral("cannot write log file %1: %2")
                         .arg(m_path, QString::fromLocal8Bit(std::strerror(error))));
        }
        return false;
    }
    m_file.setFileName(m_path);
    // Unbuffered: every chunk reaches the file at once, for people following it live.
    if (!m_file.open(fd, QIODevice::WriteOnly | QIODevice::Unbuffered,
                     QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        setError(QStringLiteral("cannot write log file %1: %2").arg(m_path, m_file.errorString()));
        return false;
    }
    return true;
}

QString CappedLog::refusal(unsigned mode) const
{
    const QString what = S_ISLNK(mode)   ? QStringLiteral("a symbolic link")
                         : S_ISDIR(mode) ? QStringLiteral("a directory")
                         : S_ISREG(mode) ? QStringLiteral("a file that appeared while Vouch "
                                                          "was creating it")
                                         : QStringLiteral("not a regular file");
    return QStringLiteral("refusing to write log file %1: it is %2, and following it could "
                          "overwrite another file; remove it (and find out who put it there), "
                          "then run again")
        .arg(m_path, what);
}

void CappedLog::append(const QByteArray &data)
{
    if (data.isEmpty() || m_finished)
        return;
    const qint64 size = data.size();
    const qint64 before = m_total;
    m_total += size;

    m_recent.append(data);
    if (m_recent.size() > 2 * RecentBytes)
        m_recent = m_recent.right(RecentBytes);

    if (m_maxBytes == 0) {
        writeToFile(data.constData(), size);
        return;
    }
    // Until the cap is reached, the file holds everything as it arrives.
    if (before < m_maxBytes)
        writeToFile(data.constData(), std::min(m_total, m_maxBytes) - before);
    // Everything after the head also goes to the ring; if the total stays
    // under the cap, the ring is simply never used.
    if (m_total > m_headLimit) {
        const qint64 from = std::max(before, m_headLimit) - before;
        pushTail(data.constData() + from, size - from);
    }
}

bool CappedLog::finish()
{
    if (m_finished)
        return m_error.isEmpty();
    m_finished = true;
    if (m_file.isOpen()) {
        if (isCut()) {
            if (!m_file.resize(m_headLimit) || !m_file.seek(m_headLimit)) {
                setError(QStringLiteral("cannot write log file %1: %2")
                             .arg(m_path, m_file.errorString()));
            } else {
                const QByteArray rest = marker(cutBytes()) + tail();
                writeToFile(rest.constData(), rest.size());
            }
        }
        m_file.close();
    }
    m_ring = QByteArray();
    return m_error.isEmpty();
}

qint64 CappedLog::cutBytes() const
{
    if (m_maxBytes == 0 || m_total <= m_maxBytes)
        return 0;
    return m_total - m_headLimit - m_tailLimit;
}

QByteArray CappedLog::readTail(const QString &path, qint64 cap)
{
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = file.size();
    if (size > cap)
        file.seek(size - cap);
    return file.read(cap);
}

QString CappedLog::lastLine(int maxChars) const
{
    qsizetype end = m_recent.size();
    while (end > 0) {
        const qsizetype newline = m_recent.lastIndexOf('\n', end - 1);
        const QByteArray line = m_recent.mid(newline + 1, end - newline - 1).trimmed();
        if (!line.isEmpty()) {
            QString text = QString::fromUtf8(line);
            if (maxChars > 0 && text.size() > maxChars)
                text = text.left(maxChars - 1) + QChar(0x2026); // …
            return text;
        }
        if (newline < 0)
            break;
        end = newline;
    }
    return {};
}

QByteArray CappedLog::marker(qint64 cutBytes)
{
    return QByteArrayLiteral("\n[vouch: ") + QByteArray::number(cutBytes) +
           QByteArrayLiteral(" bytes cut from the middle of this log]\n");
}

void CappedLog::writeToFile(const char *data, qint64 size)
{
    if (size <= 0 || !m_opened)
        return;
    if (!m_created && !create())
        return;
    if (!m_file.isOpen())
        return;
    if (m_file.write(data, size) != size)
        setError(QStringLiteral("cannot write log file %1: %2").arg(m_path, m_file.errorString()));
}

void CappedLog::pushTail(const char *data, qint64 size)
{
    const qint64 capacity = m_tailLimit;
    if (capacity == 0 || size <= 0)
        return;
    if (m_ring.isEmpty())
        m_ring.resize(capacity);
    char *ring = m_ring.data();
    if (size >= capacity) {
        std::memcpy(ring, data + (size - capacity), capacity);
        m_ringPos = 0;
        m_ringFilled = capacity;
        return;
    }
    const qint64 first = std::min(size, capacity - m_ringPos);
    std::memcpy(ring + m_ringPos, data, first);
    std::memcpy(ring, data + first, size - first);
    m_ringPos = (m_ringPos + size) % capacity;
    m_ringFilled = std::min(capacity, m_ringFilled + size);
}

QByteArray CappedLog::tail() const
{
    if (m_ringFilled < m_tailLimit)
        return m_ring.left(m_ringFilled); // never wrapped: it starts at 0
    return m_ring.mid(m_ringPos) + m_ring.left(m_ringPos);
}

void CappedLog::setError(const QString &error)
{
    if (m_error.isEmpty())
        m_error = error;
}

} // namespace vouch::engine
