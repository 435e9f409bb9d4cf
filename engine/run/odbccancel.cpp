#include "engine/run/odbccancel.h"

#include <dlfcn.h>

#include <initializer_list>

namespace vouch::engine {

bool odbcCancel(void *statement)
{
    using SqlCancel = short (*)(void *);
    static const SqlCancel cancel = []() -> SqlCancel {
        for (const char *name : {"libodbc.so.2", "libodbc.so.1", "libodbc.so"}) {
            if (void *lib = dlopen(name, RTLD_NOW | RTLD_NOLOAD))
                return reinterpret_cast<SqlCancel>(dlsym(lib, "SQLCancel"));
        }
        return nullptr;
    }();
    if (!cancel || !statement)
        return false;
    const short rc = cancel(statement);
    return rc == 0 || rc == 1; // SQL_SUCCESS, SQL_SUCCESS_WITH_INFO
}

} // namespace vouch::engine
