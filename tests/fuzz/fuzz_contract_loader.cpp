// libFuzzer entry point: any bytes given to the contract loader must end in a
// contract or in diagnostics, never in a crash, a hang or unbounded memory.
// Loaded as the app loads them, with the dbt include expansion wired in.
#include "engine/interop/loadcontract.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace vouch::engine;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const LoadResult result = loadContractText(bytes, QStringLiteral("fuzz.yaml"), QString());
    if (!result.ok() && result.diagnostics.isEmpty())
        __builtin_trap(); // a refusal must always say why
    for (const Diagnostic &d : result.diagnostics)
        (void)d.format();
    return 0;
}
