// SPDX-License-Identifier: GPL-3.0-or-later
// -k's C++ frames: a namespaced member function (mangled
// _ZN4demo3Jit14MakeExecutableEm) asks for a writable and executable
// mapping, which W^X denies. Built by testsuite/cases/debug.sh with g++.
#include <sys/mman.h>
#include <cstdio>

namespace demo {
struct Jit {
	__attribute__((noinline)) static void *MakeExecutable(unsigned long n)
	{
		void *p = mmap(nullptr, n, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		asm volatile("" ::: "memory");	// not a tail call
		return p;
	}
};
}

int main()
{
	void *p = demo::Jit::MakeExecutable(4096);
	std::printf("%s\n", p == MAP_FAILED ? "denied" : "mapped");
	return 0;
}
