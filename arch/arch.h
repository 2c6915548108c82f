/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Per-architecture tables. Each architecture file (arch/x86_64.c, ...)
 * describes its personalities with the same struct; the generic code
 * never asks which architecture it runs on.
 *
 * Decoding and encoding are pure functions over the raw NT_PRSTATUS
 * bytes, so every table is unit-tested on every host from fixtures.
 * The host's ptrace steps (how to skip a call) live in
 * arch/ptrace-<host>.c, which is the only file linked per host.
 */
#ifndef MEMTRACE_ARCH_H
#define MEMTRACE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "checks/call.h"

/* A register inside an NT_PRSTATUS regset: byte offset and width. */
struct reg_slot {
	uint16_t off;
	uint8_t size;		/* 4 or 8; 0 only where marked optional */
};

/*
 * How a personality's call sits in one regset view. The view depends
 * on the tracee (an i386 process gives a 68-byte regset, an int $0x80
 * from 64-bit code the 216-byte one), so a personality may have
 * several layouts, chosen by the size GETREGSET returned.
 */
struct regset_layout {
	size_t size;
	struct reg_slot nr, args[6], ret, ip, sp;
	/* The return value is written at this width and sign-extended. */
};

/* How a failing call reports its error. */
enum err_conv {
	ERR_NEG,	/* -errno in the return register (most) */
	ERR_PPC_SO,	/* positive errno in r3, CR.SO set (powerpc sc) */
	ERR_MIPS_A3,	/* errno in v0, a3 = 1 (mips) */
};

struct personality {
	const char *name;		/* "x86_64", "i386", "x32" */
	uint32_t audit_arch;		/* AUDIT_ARCH_* */
	uint32_t scmp_arch;		/* SCMP_ARCH_* */
	unsigned word;			/* word size in bytes */
	uint64_t nr_flag;		/* x32: __X32_SYSCALL_BIT */
	bool mmap_is_old;		/* __NR_mmap takes a six-word block */
	unsigned old_mmap_word;		/* word size inside that block */
	bool mmap2_block;		/* s390: mmap2 takes a block too */
	unsigned mmap2_unit;		/* mmap2 offset unit, bytes (0: none) */
	enum err_conv err;
	const struct regset_layout *layouts;
	size_t nlayouts;

	/*
	 * Fields below were added for the architectures besides x86; all
	 * are zero/false for x86's personalities, so designated
	 * initialisers that leave them out keep their old meaning.
	 */

	/* The regset and the old_mmap block are big-endian (s390x, s390).
	 * Tables decode in the personality's byte order, which is the
	 * host's when tracing for real and lets fixtures for a
	 * big-endian target be decoded on a little-endian host. */
	bool big_endian;

	/*
	 * The result of a skipped call can only be set at its syscall-exit
	 * stop (s390, Linux 5.10+: gpr2 carries both the number and the
	 * result, and writing it at entry turns into a syscall number).
	 * arch_encode_skip then only writes nr = -1; the tracer must resume
	 * with PTRACE_SYSCALL and call regset_set_return at the exit stop.
	 */
	bool ret_at_exit;

	/*
	 * ERR_PPC_SO / ERR_MIPS_A3: the register holding the error flag
	 * (powerpc ccr, whose SO bit 0x10000000 marks an error; mips a3).
	 * ERR_PPC_SO: err_trap is the trap word; 0x3000 there (under mask
	 * 0xfff0) means the call came by scv, which reports -errno in r3
	 * and leaves CR alone. Slots that are not in struct regset_layout
	 * because positional layout initialisers must stay valid: a
	 * personality using them has exactly one layout (a unit test
	 * checks). size 0 when unused.
	 */
	struct reg_slot err_flag;
	struct reg_slot err_trap;

	/*
	 * A regset other than NT_PRSTATUS that holds argument 0 at an
	 * entry or seccomp stop, one word wide; 0 if args[0] of the layout
	 * is authoritative. riscv64: since Linux 6.10 (and the 6.1/6.6
	 * stable series from mid 2024) the kernel sets a0 = -ENOSYS
	 * before the entry stop and keeps argument 0 in orig_a0, which
	 * NT_PRSTATUS lacks; NT_RISCV_ORIG_A0 (0x903, Linux 6.14 and
	 * stable) reads it. The register path reads this regset after
	 * GETREGSET and, if the kernel has it, uses its value (masked to
	 * the word size) instead of the decoded args[0]. A kernel that
	 * clobbers a0 but lacks the regset leaves only
	 * PTRACE_GET_SYSCALL_INFO to read argument 0.
	 */
	uint32_t arg0_note;

	/* Which argument of clone() holds the flags: 0, or 1 where the
	 * kernel has CLONE_BACKWARDS2 (s390: newsp comes first). */
	unsigned clone_flags_arg;

	/* Calls libseccomp 2.5 resolves no number for on this
	 * personality, though the kernel has them (i386, s390 and
	 * powerpc's direct shmat, 397, besides ipc(SHMAT)): by number.
	 * libseccomp's rules by name still reach them. */
	const struct raw_number *raw_numbers;
	size_t nraw_numbers;

	/*
	 * An exec of a program of this personality whose PT_GNU_STACK is
	 * not executable always leaves READ_IMPLIES_EXEC clear, whatever
	 * the process had before: the kernel's SET_PERSONALITY clears it
	 * (x86's set_personality_64bit) and elf_read_implies_exec never
	 * sets it for such a program (since Linux 5.8 for no x86_64
	 * program at all). The tracer then need not read
	 * /proc/PID/personality at that exec. False where the flag
	 * survives an exec (the generic SET_PERSONALITY keeps it), or
	 * where the kernel may set it whatever the headers say (i386
	 * under noexec32=off, x32 and i386 without PT_GNU_STACK, ARM
	 * before v6).
	 */
	bool exec_clears_rie;
};

/* A call a personality has by number only. */
struct raw_number {
	int sys;		/* enum msys */
	long nr;
};
/* The direct SysV calls wired up in Linux 5.1 (392-402). */
#define RAW_SHMAT_397 { MSYS_SHMAT, 397 }

/* An architecture: the personalities one kernel of it may run. */
struct arch_desc {
	const char *name;		/* uname -m */
	const struct personality *const *pers;
	size_t npers;

	/*
	 * For a host whose libunwind reads a stopped thread's registers
	 * wrongly: byte offsets in NT_PRSTATUS by libunwind's register
	 * number (-1: not there), nunwind_regs of them; tracer/stack.c
	 * then reads the registers itself. NULL: libunwind's accessor is
	 * right. loongarch64: libunwind 1.8 reads NT_PRSTATUS into a
	 * gregset_t of 32 words, so the PC (csr_era, word 33) it returns
	 * comes from past that buffer.
	 */
	const int16_t *unwind_regs;
	size_t nunwind_regs;
};

/* Every architecture memtrace knows (for unit tests and --version). */
extern const struct arch_desc *const arch_all[];
extern const size_t arch_nall;

/* The host's architecture, from arch/ptrace-<host>.c. */
extern const struct arch_desc *const arch_host;

/* The personality with this AUDIT_ARCH and nr on the host, or NULL.
 * x32 and x86_64 share AUDIT_ARCH_X86_64; nr_flag tells them apart. */
const struct personality *arch_personality(const struct arch_desc *a,
					   uint32_t audit_arch, long nr);

/* The layout of p that reads a regset of len bytes, or NULL. */
const struct regset_layout *arch_layout(const struct personality *p,
					size_t len);

/* Read a slot in the host's byte order: zero-extended if 4 bytes wide.
 * (Right on the host itself; the arch_reg_* forms below work for a
 * fixture of any personality on any host.) */
uint64_t reg_get(const void *regs, struct reg_slot s);
/* Read a slot sign-extended (return values, syscall numbers). */
int64_t reg_get_signed(const void *regs, struct reg_slot s);
void reg_put(void *regs, struct reg_slot s, uint64_t v);

/* The same in the personality's byte order (p->big_endian). */
uint64_t arch_reg_get(const struct personality *p, const void *regs,
		      struct reg_slot s);
int64_t arch_reg_get_signed(const struct personality *p, const void *regs,
			    struct reg_slot s);
void arch_reg_put(const struct personality *p, void *regs,
		  struct reg_slot s, uint64_t v);

/* The raw call as registers hold it. */
struct raw_call {
	long nr;
	uint64_t args[6];
	uint64_t ip, sp;
};

/* Pure decode of a regset: nr and six args, masked to the word size. */
int arch_decode_regs(const struct personality *p,
		     const struct regset_layout *l, const void *regs,
		     struct raw_call *out);

/*
 * Pure encode: make the regset skip the call and return retval the way
 * the personality reports a result (negative values are errors).
 */
void arch_encode_skip(const struct personality *p,
		      const struct regset_layout *l, void *regs,
		      int64_t retval);

/*
 * Pure encode of a result alone, as the tracee will see it (the return
 * register plus, for ERR_PPC_SO / ERR_MIPS_A3, the error flag): used at
 * a syscall-exit stop, and by arch_encode_skip unless p->ret_at_exit.
 * Negative values from -4095 to -1 are errors.
 *
 * Where nr and ret share a register (s390 gpr2), a regset read at an
 * exit stop holds the result, not the number: l->nr.off == l->ret.off
 * tells; the tracer keeps the number from the entry stop.
 */
void arch_encode_return(const struct personality *p,
			const struct regset_layout *l, void *regs,
			int64_t retval);

/*
 * Syscall numbers of the memory calls for a personality, from
 * libseccomp's resolver. nr -1 where the personality lacks the call.
 */
struct msys_numbers {
	long nr[MSYS__N];
};
int arch_resolve_numbers(const struct personality *p,
			 struct msys_numbers *out);

/* libseccomp's name of a memory call ("mmap" for old_mmap). */
const char *arch_scmp_name(enum msys s);

/* Which memory call nr is for p, MSYS_NONE if none. */
enum msys arch_classify(const struct personality *p,
			const struct msys_numbers *n, long nr);

/*
 * Turn a raw call into a struct mcall. For old_mmap (and s390 mmap2)
 * the six-word block must be given in block (NULL: unreadable).
 */
void arch_fill_call(const struct personality *p, enum msys s,
		    const struct raw_call *rc, const void *block,
		    struct mcall *out);

/*
 * Whether the arguments of call s are a block in tracee memory
 * (old_mmap; s390's mmap2) rather than registers.
 */
bool arch_uses_block(const struct personality *p, enum msys s);

/* Size in bytes of the argument block of old_mmap for p. */
size_t arch_block_size(const struct personality *p);

/* Write a regset of the stopped tid (arch/regset.c). 0, or -1. */
int regset_write(pid_t tid, unsigned type, void *buf, size_t len);

/* The register steps shared by every host: encode, then write
 * NT_PRSTATUS. regs/len are a fresh GETREGSET. 0, or -1 with errno. */
int regset_skip_call(pid_t tid, const struct personality *p,
		     const struct regset_layout *l, void *regs, size_t len,
		     int64_t retval);
int regset_set_return(pid_t tid, const struct personality *p,
		      const struct regset_layout *l, void *regs, size_t len,
		      int64_t retval);

/*
 * The host's own step (arch/ptrace-<host>.c): skip the call at an
 * entry or seccomp stop and set its result in the same stop, where
 * the number may live outside NT_PRSTATUS (aarch64, arm).
 */
int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval);

/* The largest NT_PRSTATUS of the host, for buffers. */
#define ARCH_REGSET_MAX 1024

#endif
