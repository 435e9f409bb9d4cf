#pragma once

// An optional value kept on the heap: the size of one pointer when empty,
// with std::optional's interface (has_value, *, ->, value_or, reset, emplace,
// = std::nullopt). For the rarely-set parts of a large, often-copied struct:
// a contract's `Node` carries a dbt resource, two thresholds, an impact
// template and a wait policy that most nodes never set, and a 100k-node
// contract paid for them in every node (docs/performance.md, issue 16).
// Copies are deep; moves are a pointer's.

#include <memory>
#include <optional>
#include <utility>

namespace vouch::engine {

template<class T>
class BoxedOptional
{
public:
    BoxedOptional() = default;
    BoxedOptional(std::nullopt_t) {}
    BoxedOptional(const T &value)
        : m_value(std::make_unique<T>(value))
    {}
    BoxedOptional(T &&value)
        : m_value(std::make_unique<T>(std::move(value)))
    {}
    BoxedOptional(const std::optional<T> &value)
    {
        if (value)
            m_value = std::make_unique<T>(*value);
    }
    BoxedOptional(std::optional<T> &&value)
    {
        if (value)
            m_value = std::make_unique<T>(std::move(*value));
    }
    BoxedOptional(const BoxedOptional &other)
        : m_value(other.m_value ? std::make_unique<T>(*other.m_value) : nullptr)
    {}
    BoxedOptional(BoxedOptional &&) noexcept = default;
    ~BoxedOptional() = default;

    BoxedOptional &operator=(const BoxedOptional &other)
    {
        if (this != &other)
            m_value = other.m_value ? std::make_unique<T>(*other.m_value) : nullptr;
        return *this;
    }
    BoxedOptional &operator=(BoxedOptional &&) noexcept = default;
    BoxedOptional &operator=(std::nullopt_t)
    {
        m_value.reset();
        return *this;
    }

    bool has_value() const { return m_value != nullptr; }
    explicit operator bool() const { return has_value(); }
    T &operator*() { return *m_value; }
    const T &operator*() const { return *m_value; }
    T *operator->() { return m_value.get(); }
    const T *operator->() const { return m_value.get(); }
    const T &value() const
    {
        if (!m_value)
            throw std::bad_optional_access();
        return *m_value;
    }
    template<class U>
    T value_or(U &&fallback) const
    {
        return m_value ? *m_value : static_cast<T>(std::forward<U>(fallback));
    }
    void reset() { m_value.reset(); }
    template<class... Args>
    T &emplace(Args &&...args)
    {
        m_value = std::make_unique<T>(std::forward<Args>(args)...);
        return *m_value;
    }
    // Where a std::optional is wanted (an argument, a copy kept elsewhere).
    operator std::optional<T>() const
    {
        return m_value ? std::optional<T>(*m_value) : std::nullopt;
    }

    friend bool operator==(const BoxedOptional &a, std::nullopt_t) { return !a.m_value; }

private:
    std::unique_ptr<T> m_value;
};

} // namespace vouch::engine
