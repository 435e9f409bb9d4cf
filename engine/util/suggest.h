#pragma once

#include <QString>
#include <QStringList>

namespace vouch::engine {

// "Did you mean …?" for names a person typed: node ids, tags, sections, keys.
//
// Returns the candidate with the smallest Levenshtein edit distance to `word`
// (compared case-insensitively), or an empty string when no candidate is close
// enough to be a plausible typo: the distance must be at most
// max(2, word.size() / 3). Ties go to the earliest candidate, so the answer is
// deterministic. An exact (case-insensitive) match is returned as is.
QString closestMatch(const QString &word, const QStringList &candidates);

// The Levenshtein distance between two strings (insertions, deletions and
// substitutions each cost 1), case-sensitive.
int editDistance(QStringView a, QStringView b);

} // namespace vouch::engine
