// libFuzzer entry point: any bytes given to the contract loader must end in a
// contract or in diagnostics, never in a crash, a hang or unbounded memory.
#include "engine/contract/contractloader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace vouch::engine;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const LoadResult result =
        ContractLoader::loadText(bytes, QStringLiteral("fuzz.yaml"), QString());
    if (!result.ok() && result.diagnostics.isEmpty())
        __builtin_trap(); // a refusal must always say why
    for (const Diagnostic &d : result.diagnostics)
        (void)d.format();
    return 0;
}
