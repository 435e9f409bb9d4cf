#include "engine/util/hugepages.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__linux__) && defined(__GLIBC__)
#include <gnu/libc-version.h>
#include <unistd.h>
#endif

namespace vouch::engine {

namespace {

constexpr const char *kOptOut = "VOUCH_HUGEPAGES";
// Set only across the one execve: "-" when GLIBC_TUNABLES was unset, else
// "=" followed by its value.
constexpr const char *kMarker = "VOUCH_HUGEPAGES_REEXEC";
constexpr const char *kTunables = "GLIBC_TUNABLES";
constexpr const char *kHugeTlb = "glibc.malloc.hugetlb=1";

#if defined(__linux__) && defined(__GLIBC__)
// The kernel's transparent huge page mode is `madvise`: a program gets huge
// pages only where it asks for them.
bool kernelWantsAdvice()
{
    FILE *f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
    if (!f)
        return false;
    char line[128] = {};
    const bool read = std::fgets(line, sizeof line, f) != nullptr;
    std::fclose(f);
    return read && std::strstr(line, "[madvise]") != nullptr;
}

bool glibcKnowsHugeTlb()
{
    int major = 0;
    int minor = 0;
    if (std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2)
        return false;
    return major > 2 || (major == 2 && minor >= 35);
}

void restoreTunables(const char *marker)
{
    if (marker[0] == '=')
        ::setenv(kTunables, marker + 1, 1);
    else
        ::unsetenv(kTunables);
    ::unsetenv(kMarker);
}
#endif

} // namespace

void reexecWithHugePageHeap(char *argv[])
{
#if defined(__linux__) && defined(__GLIBC__)
    if (const char *marker = std::getenv(kMarker)) {
        // The second start: the tunable was read by the dynamic loader.
        const std::string saved = marker;
        restoreTunables(saved.c_str());
        return;
    }
    const char *optOut = std::getenv(kOptOut);
    if (optOut && std::strcmp(optOut, "0") == 0)
        return;
    const char *tunables = std::getenv(kTunables);
    if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb"))
        return; // the user chose
    if (!kernelWantsAdvice() || !glibcKnowsHugeTlb())
        return;
    const std::string marker = tunables ? std::string("=") + tunables : std::string("-");
    const std::string value =
        tunables && *tunables ? std::string(tunables) + ":" + kHugeTlb : std::string(kHugeTlb);
    if (::setenv(kMarker, marker.c_str(), 1) != 0 || ::setenv(kTunables, value.c_str(), 1) != 0)
        return;
    ::execv("/proc/self/exe", argv);
    // execv failed (no /proc, say): carry on as before, with the environment
    // as it was.
    restoreTunables(marker.c_str());
#else
    (void)argv;
#endif
}

} // namespace vouch::engine
