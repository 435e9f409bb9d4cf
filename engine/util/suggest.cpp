#include "engine/util/suggest.h"

#include <algorithm>
#include <vector>

namespace vouch::engine {

int editDistance(QStringView a, QStringView b)
{
    // Two rolling rows: O(|a| * |b|) time, O(|b|) memory.
    std::vector<int> previous(b.size() + 1);
    std::vector<int> current(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    if (word.isEmpty())
        return {};
    const QString folded = word.toCaseFolded();
    const int limit = std::max(2, int(word.size() / 3));
    int best = limit + 1;
    QString match;
    for (const QString &candidate : candidates) {
        // The length difference is a lower bound of the distance: skip early.
        if (std::abs(int(candidate.size() - word.size())) >= best)
            continue;
        const int distance = editDistance(folded, candidate.toCaseFolded());
        if (distance < best) {
            best = distance;
            match = candidate;
            if (distance == 0)
                break;
        }
    }
    return match;
}

} // namespace vouch::engine
