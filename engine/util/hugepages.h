#pragma once

// Large contracts spend much of their time in page faults: a 100k-node
// contract touches a few hundred MiB of fresh heap, one 4 KiB page at a time,
// and on a virtual machine every fault is a trip through the hypervisor.
// glibc can ask the kernel for transparent huge pages (2 MiB) for its heap,
// but only when told at start-up, through GLIBC_TUNABLES=glibc.malloc.hugetlb=1.
//
// On a kernel whose transparent huge pages are `madvise` (the setting where a
// program must ask), the `vouch` binary re-executes itself once, with the
// tunable added, before it does anything else. The re-executed process puts
// GLIBC_TUNABLES back as it found it, so commands a run starts never inherit
// the tunable. It is the same process (execve keeps the pid), and nothing is
// open or printed yet.
//
// VOUCH_HUGEPAGES=0 turns it off. Nothing happens where huge pages are
// `always` (already on), `never`, or the C library is not glibc 2.35 or later.
namespace vouch::engine {

// Returns only when it did not re-execute (or the re-execution failed, in
// which case the process simply carries on with the normal heap).
void reexecWithHugePageHeap(char *argv[]);

} // namespace vouch::engine
