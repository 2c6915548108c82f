/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every architecture table against regset fixtures. A fixture is laid
 * out the way that personality's kernel lays out NT_PRSTATUS, in its
 * byte order, with offsets taken from mirrors of the kernel's structs
 * below rather than from the tables: a table and its fixture agree only
 * if the table is right.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "testsuite/unit/unit.h"

/* ---- mirrors of the kernels' NT_PRSTATUS structs ---- */

struct fx_x86_64 {		/* struct user_regs_struct, x86_64 */
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx,
		 rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss, fs_base,
		 gs_base, ds, es, fs, gs;
};
struct fx_i386 {		/* struct user_regs_struct, i386 */
	uint32_t ebx, ecx, edx, esi, edi, ebp, eax, xds, xes, xfs, xgs,
		 orig_eax, eip, xcs, eflags, esp, xss;
};
struct fx_aarch64 {		/* struct user_pt_regs */
	uint64_t regs[31], sp, pc, pstate;
};
struct fx_arm {			/* struct pt_regs / compat: r0-r15, cpsr, orig_r0 */
	uint32_t uregs[18];
};
struct fx_riscv64 {		/* struct user_regs_struct, riscv */
	uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4,
		 a5, a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4,
		 t5, t6;
};
struct fx_s390x {		/* s390_regs */
	uint64_t psw_mask, psw_addr, gprs[16];
	uint32_t acrs[16];
	uint64_t orig_gpr2;
};
struct fx_s390 {		/* s390_compat_regs */
	uint32_t psw_mask, psw_addr, gprs[16], acrs[16], orig_gpr2;
};
struct fx_ppc64 {		/* pt_regs as ptrace shows it, ELF_NGREG 48 */
	uint64_t gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe,
		 trap, dar, dsisr, result, pad[4];
};
struct fx_loongarch64 {		/* struct user_pt_regs, loongarch */
	uint64_t regs[32], orig_a0, csr_era, csr_badv, reserved[10];
};

_Static_assert(sizeof(struct fx_x86_64) == 216, "x86_64 mirror");
_Static_assert(sizeof(struct fx_i386) == 68, "i386 mirror");
_Static_assert(sizeof(struct fx_aarch64) == 272, "aarch64 mirror");
_Static_assert(sizeof(struct fx_arm) == 72, "arm mirror");
_Static_assert(sizeof(struct fx_riscv64) == 256, "riscv64 mirror");
_Static_assert(sizeof(struct fx_s390x) == 216, "s390x mirror");
_Static_assert(sizeof(struct fx_s390) == 140, "s390 mirror");
_Static_assert(sizeof(struct fx_ppc64) == 384, "ppc64 mirror");
_Static_assert(sizeof(struct fx_loongarch64) == 360, "loongarch mirror");

#define O(t, f) ((unsigned)offsetof(struct t, f))
#define NONE 0xffffu

/* Where one personality's kernel keeps a call in one regset view. */
struct fx {
	const char *arch, *pers;
	size_t size;
	bool be;
	unsigned w;			/* register width in this view */
	unsigned nr, args[6], ret, ip, sp;
	unsigned ccr, trap;		/* powerpc */
	bool high_garbage;		/* 64-bit view of a 32-bit call */
};

static const struct fx fixtures[] = {
	{ "x86_64", "x86_64", 216, false, 8, O(fx_x86_64, orig_rax),
	  { O(fx_x86_64, rdi), O(fx_x86_64, rsi), O(fx_x86_64, rdx),
	    O(fx_x86_64, r10), O(fx_x86_64, r8), O(fx_x86_64, r9) },
	  O(fx_x86_64, rax), O(fx_x86_64, rip), O(fx_x86_64, rsp),
	  NONE, NONE, false },
	{ "x86_64", "x32", 216, false, 8, O(fx_x86_64, orig_rax),
	  { O(fx_x86_64, rdi), O(fx_x86_64, rsi), O(fx_x86_64, rdx),
	    O(fx_x86_64, r10), O(fx_x86_64, r8), O(fx_x86_64, r9) },
	  O(fx_x86_64, rax), O(fx_x86_64, rip), O(fx_x86_64, rsp),
	  NONE, NONE, false },
	{ "x86_64", "i386", 68, false, 4, O(fx_i386, orig_eax),
	  { O(fx_i386, ebx), O(fx_i386, ecx), O(fx_i386, edx),
	    O(fx_i386, esi), O(fx_i386, edi), O(fx_i386, ebp) },
	  O(fx_i386, eax), O(fx_i386, eip), O(fx_i386, esp),
	  NONE, NONE, false },
	/* int $0x80 from 64-bit code: i386 registers, 64-bit view. */
	{ "x86_64", "i386", 216, false, 8, O(fx_x86_64, orig_rax),
	  { O(fx_x86_64, rbx), O(fx_x86_64, rcx), O(fx_x86_64, rdx),
	    O(fx_x86_64, rsi), O(fx_x86_64, rdi), O(fx_x86_64, rbp) },
	  O(fx_x86_64, rax), O(fx_x86_64, rip), O(fx_x86_64, rsp),
	  NONE, NONE, true },
	{ "aarch64", "aarch64", 272, false, 8, O(fx_aarch64, regs[8]),
	  { O(fx_aarch64, regs[0]), O(fx_aarch64, regs[1]),
	    O(fx_aarch64, regs[2]), O(fx_aarch64, regs[3]),
	    O(fx_aarch64, regs[4]), O(fx_aarch64, regs[5]) },
	  O(fx_aarch64, regs[0]), O(fx_aarch64, pc), O(fx_aarch64, sp),
	  NONE, NONE, false },
	{ "aarch64", "arm", 72, false, 4, O(fx_arm, uregs[7]),
	  { O(fx_arm, uregs[0]), O(fx_arm, uregs[1]), O(fx_arm, uregs[2]),
	    O(fx_arm, uregs[3]), O(fx_arm, uregs[4]), O(fx_arm, uregs[5]) },
	  O(fx_arm, uregs[0]), O(fx_arm, uregs[15]), O(fx_arm, uregs[13]),
	  NONE, NONE, false },
	{ "arm", "arm", 72, false, 4, O(fx_arm, uregs[7]),
	  { O(fx_arm, uregs[0]), O(fx_arm, uregs[1]), O(fx_arm, uregs[2]),
	    O(fx_arm, uregs[3]), O(fx_arm, uregs[4]), O(fx_arm, uregs[5]) },
	  O(fx_arm, uregs[0]), O(fx_arm, uregs[15]), O(fx_arm, uregs[13]),
	  NONE, NONE, false },
	{ "riscv64", "riscv64", 256, false, 8, O(fx_riscv64, a7),
	  { O(fx_riscv64, a0), O(fx_riscv64, a1), O(fx_riscv64, a2),
	    O(fx_riscv64, a3), O(fx_riscv64, a4), O(fx_riscv64, a5) },
	  O(fx_riscv64, a0), O(fx_riscv64, pc), O(fx_riscv64, sp),
	  NONE, NONE, false },
	{ "s390x", "s390x", 216, true, 8, O(fx_s390x, gprs[2]),
	  { O(fx_s390x, orig_gpr2), O(fx_s390x, gprs[3]),
	    O(fx_s390x, gprs[4]), O(fx_s390x, gprs[5]),
	    O(fx_s390x, gprs[6]), O(fx_s390x, gprs[7]) },
	  O(fx_s390x, gprs[2]), O(fx_s390x, psw_addr), O(fx_s390x, gprs[15]),
	  NONE, NONE, false },
	{ "s390x", "s390", 140, true, 4, O(fx_s390, gprs[2]),
	  { O(fx_s390, orig_gpr2), O(fx_s390, gprs[3]), O(fx_s390, gprs[4]),
	    O(fx_s390, gprs[5]), O(fx_s390, gprs[6]), O(fx_s390, gprs[7]) },
	  O(fx_s390, gprs[2]), O(fx_s390, psw_addr), O(fx_s390, gprs[15]),
	  NONE, NONE, false },
	{ "ppc64le", "ppc64le", 384, false, 8, O(fx_ppc64, gpr[0]),
	  { O(fx_ppc64, orig_gpr3), O(fx_ppc64, gpr[4]), O(fx_ppc64, gpr[5]),
	    O(fx_ppc64, gpr[6]), O(fx_ppc64, gpr[7]), O(fx_ppc64, gpr[8]) },
	  O(fx_ppc64, gpr[3]), O(fx_ppc64, nip), O(fx_ppc64, gpr[1]),
	  O(fx_ppc64, ccr), O(fx_ppc64, trap), false },
	{ "loongarch64", "loongarch64", 360, false, 8,
	  O(fx_loongarch64, regs[11]),
	  { O(fx_loongarch64, orig_a0), O(fx_loongarch64, regs[5]),
	    O(fx_loongarch64, regs[6]), O(fx_loongarch64, regs[7]),
	    O(fx_loongarch64, regs[8]), O(fx_loongarch64, regs[9]) },
	  O(fx_loongarch64, regs[4]), O(fx_loongarch64, csr_era),
	  O(fx_loongarch64, regs[3]), NONE, NONE, false },
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

/* ---- byte-order helpers of the test's own ---- */

static void put(unsigned char *b, unsigned off, unsigned size, bool be,
		uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		b[off + (be ? size - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static uint64_t get(const unsigned char *b, unsigned off, unsigned size,
		    bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)b[off + (be ? size - 1 - i : i)] << (8 * i);
	return v;
}

static int64_t get_signed(const unsigned char *b, unsigned off,
			  unsigned size, bool be)
{
	uint64_t v = get(b, off, size, be);

	return size == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

/* ---- lookups ---- */

static const struct arch_desc *find_arch(const char *name)
{
	for (size_t i = 0; i < arch_nall; i++)
		if (!strcmp(arch_all[i]->name, name))
			return arch_all[i];
	return NULL;
}

static const char *pname(const struct personality *p)
{
	return p ? p->name : NULL;
}

static const struct personality *find_pers(const struct arch_desc *a,
					   const char *name)
{
	for (size_t i = 0; a && i < a->npers; i++)
		if (!strcmp(a->pers[i]->name, name))
			return a->pers[i];
	return NULL;
}

/* ---- the known call ---- */

enum {
	C_ADDR = 0x1000, C_LEN = 8192, C_PROT = 5 /* READ|EXEC */,
	C_FLAGS = 2 /* MAP_PRIVATE */, C_FD = 3, C_OFF = 0x2000,
	C_IP = 0x400123, C_SP = 0x7ffd1000, C_BLOCK = 0x5000,
};
static const uint64_t call_args[6] = {
	C_ADDR, C_LEN, C_PROT, C_FLAGS, C_FD, C_OFF
};

/*
 * A regset as the kernel shows it at the seccomp/entry stop of call nr
 * with args: unrelated bytes a pattern, the result register (where it is
 * not argument 0 or the number) -ENOSYS, as x86, powerpc and loongarch
 * show it, and upper halves of a 64-bit view of a 32-bit call garbage.
 */
static void build(const struct fx *f, unsigned char *b, long nr,
		  const uint64_t args[6])
{
	uint64_t hi = f->high_garbage ? 0xdeadbeef00000000ull : 0;

	memset(b, 0xa5, ARCH_REGSET_MAX);
	if (f->ret != f->args[0] && f->ret != f->nr)
		put(b, f->ret, f->w, f->be, (uint64_t)-ENOSYS);
	if (f->ccr != NONE) {
		put(b, f->ccr, f->w, f->be, 0x22000000);	/* SO clear */
		put(b, f->trap, f->w, f->be, 0xc00);		/* sc */
	}
	put(b, f->nr, f->w, f->be, (uint64_t)nr);
	for (int i = 0; i < 6; i++)
		put(b, f->args[i], f->w, f->be, args[i] | hi);
	put(b, f->ip, f->w, f->be, C_IP);
	put(b, f->sp, f->w, f->be, C_SP);
}

static void case_name(char *out, size_t n, const struct fx *f,
		      const char *what)
{
	snprintf(out, n, "arch/%s/%s/%zu/%s", f->arch, f->pers, f->size, what);
}

/* Bytes outside the given slots equal in a and b. */
static bool same_except(const unsigned char *a, const unsigned char *b,
			size_t size, const unsigned *offs, unsigned w)
{
	for (size_t i = 0; i < size; i++) {
		bool in = false;
		for (int k = 0; offs[k] != NONE; k++)
			if (i >= offs[k] && i < offs[k] + w)
				in = true;
		if (!in && a[i] != b[i])
			return false;
	}
	return true;
}

/* ---- per fixture ---- */

static void test_fixture(const struct fx *f)
{
	char name[160];
	const struct arch_desc *a = find_arch(f->arch);
	const struct personality *p = find_pers(a, f->pers);
	const struct regset_layout *l = p ? arch_layout(p, f->size) : NULL;
	struct msys_numbers n;
	bool have_nums;
	unsigned char b[ARCH_REGSET_MAX], orig[ARCH_REGSET_MAX];
	struct raw_call rc;
	struct mcall c;

	case_name(name, sizeof(name), f, "table");
	UNIT_CASE(name) {
		EXPECT(a != NULL);
		EXPECT(p != NULL);
		EXPECT(l != NULL);
		if (p)
			EXPECT(p->big_endian == f->be);
	}
	if (!l)
		return;

	have_nums = arch_resolve_numbers(p, &n) == 0;
	if (!have_nums) {
		case_name(name, sizeof(name), f, "numbers");
		UNIT_SKIP(name, "libseccomp cannot resolve this personality's "
			  "syscall numbers (too old for it)");
	}

	/* Register positions, whatever the number: mmap's six arguments. */
	long nr_mmap = have_nums && n.nr[MSYS_MMAP] >= 0 ? n.nr[MSYS_MMAP]
		     : have_nums && n.nr[MSYS_MMAP2] >= 0 ? n.nr[MSYS_MMAP2]
		     : 222;
	long nr_in_regs = nr_mmap | (long)p->nr_flag;
	build(f, b, nr_in_regs, call_args);
	arch_decode_regs(p, l, b, &rc);
	case_name(name, sizeof(name), f, "decode");
	UNIT_CASE(name) {
		EXPECT(rc.nr == nr_in_regs);
		for (int i = 0; i < 6; i++)
			EXPECT(rc.args[i] == call_args[i]);
		EXPECT(rc.ip == C_IP);
		EXPECT(rc.sp == C_SP);
		EXPECT(arch_personality(a, p->audit_arch, rc.nr) == p);
	}

	if (have_nums && n.nr[MSYS_MMAP] >= 0) {
		case_name(name, sizeof(name), f, "mmap");
		UNIT_CASE(name) {
			enum msys s = arch_classify(p, &n, rc.nr);
			EXPECT(s == MSYS_MMAP);
			arch_fill_call(p, s, &rc, NULL, &c);
			EXPECT(c.sys == MSYS_MMAP);
			EXPECT(c.nr == rc.nr);
			EXPECT_STR(c.pers, p->name);
			EXPECT(c.word == p->word);
			EXPECT(c.addr == C_ADDR && c.len == C_LEN);
			EXPECT(c.prot == C_PROT && c.flags == C_FLAGS);
			EXPECT(c.fd == C_FD && c.off == C_OFF);
			EXPECT(!c.block_unreadable);
			EXPECT(!memcmp(c.raw, call_args, sizeof(c.raw)));
		}
	}

	/* mmap2 in registers: the offset in the personality's unit. */
	if (have_nums && n.nr[MSYS_MMAP2] >= 0 && !p->mmap2_block) {
		uint64_t a2[6];
		memcpy(a2, call_args, sizeof(a2));
		a2[5] = C_OFF / p->mmap2_unit;
		build(f, b, n.nr[MSYS_MMAP2], a2);
		arch_decode_regs(p, l, b, &rc);
		case_name(name, sizeof(name), f, "mmap2");
		UNIT_CASE(name) {
			EXPECT(p->mmap2_unit == 4096);
			enum msys s = arch_classify(p, &n, rc.nr);
			EXPECT(s == MSYS_MMAP2);
			arch_fill_call(p, s, &rc, NULL, &c);
			EXPECT(c.addr == C_ADDR && c.len == C_LEN);
			EXPECT(c.prot == C_PROT && c.flags == C_FLAGS);
			EXPECT(c.fd == C_FD && c.off == C_OFF);
		}
	}

	/* old_mmap, and s390's mmap2: six words in tracee memory. */
	for (int which = 0; which < 2; which++) {
		enum msys s = which ? MSYS_MMAP2 : MSYS_OLD_MMAP;
		if (!have_nums || n.nr[s] < 0 ||
		    (s == MSYS_MMAP2 && !p->mmap2_block))
			continue;
		unsigned bw = p->old_mmap_word ? p->old_mmap_word : p->word;
		unsigned char blk[48];
		uint64_t ptr[6] = { C_BLOCK, 0, 0, 0, 0, 0 };
		memset(blk, 0x5a, sizeof(blk));
		for (int i = 0; i < 6; i++)
			put(blk, i * bw, bw, f->be,
			    i == 5 && s == MSYS_MMAP2 ? C_OFF / 4096
						      : call_args[i]);
		build(f, b, n.nr[s], ptr);
		arch_decode_regs(p, l, b, &rc);
		case_name(name, sizeof(name), f,
			  which ? "mmap2-block" : "old_mmap-block");
		UNIT_CASE(name) {
			EXPECT(p->mmap_is_old);
			EXPECT(arch_block_size(p) == 6 * bw);
			EXPECT(arch_classify(p, &n, rc.nr) == s);
			arch_fill_call(p, s, &rc, blk, &c);
			EXPECT(c.block_addr == C_BLOCK);
			EXPECT(!c.block_unreadable);
			EXPECT(c.addr == C_ADDR && c.len == C_LEN);
			EXPECT(c.prot == C_PROT && c.flags == C_FLAGS);
			EXPECT(c.fd == C_FD && c.off == C_OFF);
			arch_fill_call(p, s, &rc, NULL, &c);
			EXPECT(c.block_unreadable && c.block_addr == C_BLOCK);
		}
	}

	if (have_nums) {
		uint64_t mp[6] = { C_ADDR, C_LEN, C_PROT, 0, 0, 0 };
		build(f, b, n.nr[MSYS_MPROTECT] | (long)p->nr_flag, mp);
		arch_decode_regs(p, l, b, &rc);
		case_name(name, sizeof(name), f, "mprotect");
		UNIT_CASE(name) {
			enum msys s = arch_classify(p, &n, rc.nr);
			EXPECT(s == MSYS_MPROTECT);
			arch_fill_call(p, s, &rc, NULL, &c);
			EXPECT(c.addr == C_ADDR && c.len == C_LEN);
			EXPECT(c.prot == C_PROT);
		}
	}

	/* Skip with -13, then the round trip. */
	build(f, b, nr_in_regs, call_args);
	memcpy(orig, b, sizeof(b));
	arch_encode_skip(p, l, b, -13);
	case_name(name, sizeof(name), f, "skip");
	UNIT_CASE(name) {
		unsigned changed[] = { f->nr, f->ret, f->ccr, NONE };
		if (f->ccr == NONE)
			changed[2] = NONE;
		EXPECT(same_except(orig, b, f->size, changed, f->w));
		EXPECT(get_signed(b, f->nr, f->w, f->be) == -1 ||
		       (f->nr == f->ret && !p->ret_at_exit));
		if (p->ret_at_exit) {
			/* The result waits for the exit stop. */
			EXPECT(get_signed(b, f->ret, f->w, f->be) == -1);
			arch_encode_return(p, l, b, -13);
		}
		if (p->err == ERR_PPC_SO) {
			EXPECT(get(b, f->ret, f->w, f->be) == 13);
			EXPECT(get(b, f->ccr, f->w, f->be) & 0x10000000);
		} else {
			EXPECT(get_signed(b, f->ret, f->w, f->be) == -13);
		}
		arch_decode_regs(p, l, b, &rc);
		if (f->nr != f->ret) {
			EXPECT(rc.nr == -1);
			EXPECT(!have_nums ||
			       arch_classify(p, &n, rc.nr) == MSYS_NONE);
		}
		for (int i = 0; i < 6; i++)
			if (f->args[i] != f->ret)
				EXPECT(rc.args[i] == call_args[i]);
		EXPECT(rc.ip == C_IP && rc.sp == C_SP);
	}

	/* A successful result: sign-extended back, no error flag. */
	build(f, b, nr_in_regs, call_args);
	arch_encode_return(p, l, b, 0x2000);
	case_name(name, sizeof(name), f, "return");
	UNIT_CASE(name) {
		EXPECT(arch_reg_get_signed(p, b, l->ret) == 0x2000);
		EXPECT(get(b, f->ret, f->w, f->be) == 0x2000);
		if (f->ccr != NONE)
			EXPECT(!(get(b, f->ccr, f->w, f->be) & 0x10000000));
		arch_encode_return(p, l, b, -1);
		if (p->err == ERR_PPC_SO)
			EXPECT(get(b, f->ret, f->w, f->be) == 1 &&
			       (get(b, f->ccr, f->w, f->be) & 0x10000000));
		else
			EXPECT(arch_reg_get_signed(p, b, l->ret) == -1);
	}
}

/* ---- cases that are not one fixture ---- */

static void test_compat_extension(void)
{
	const struct arch_desc *x = find_arch("x86_64");
	const struct personality *i386 = find_pers(x, "i386");
	const struct personality *s390 = find_pers(find_arch("s390x"), "s390");
	unsigned char b[ARCH_REGSET_MAX];
	struct raw_call rc;

	UNIT_CASE("arch/compat/zero-extend-args") {
		const struct regset_layout *l = arch_layout(i386, 68);
		memset(b, 0, sizeof(b));
		put(b, O(fx_i386, ebx), 4, false, 0xffffffff);
		put(b, O(fx_i386, ecx), 4, false, 0x80000000);
		arch_decode_regs(i386, l, b, &rc);
		EXPECT(rc.args[0] == 0xffffffffull);
		EXPECT(rc.args[1] == 0x80000000ull);

		l = arch_layout(s390, 140);
		memset(b, 0, sizeof(b));
		put(b, O(fx_s390, orig_gpr2), 4, true, 0xfffff000);
		arch_decode_regs(s390, l, b, &rc);
		EXPECT(rc.args[0] == 0xfffff000ull);
	}
	UNIT_CASE("arch/compat/sign-extend-return") {
		const struct regset_layout *l = arch_layout(i386, 68);
		memset(b, 0, sizeof(b));
		put(b, O(fx_i386, eax), 4, false, 0xfffffff3);
		EXPECT(reg_get_signed(b, l->ret) == -13);
		EXPECT(arch_reg_get_signed(i386, b, l->ret) == -13);
		l = arch_layout(s390, 140);
		put(b, O(fx_s390, gprs[2]), 4, true, 0xfffffff3);
		EXPECT(arch_reg_get_signed(s390, b, l->ret) == -13);
		/* -1 as a 32-bit number stays -1. */
		put(b, O(fx_s390, gprs[2]), 4, true, 0xffffffff);
		arch_decode_regs(s390, l, b, &rc);
		EXPECT(rc.nr == -1);
	}
}

static void test_personality_pick(void)
{
	const struct arch_desc *x = find_arch("x86_64");
	const struct arch_desc *a64 = find_arch("aarch64");
	const struct arch_desc *z = find_arch("s390x");

	UNIT_CASE("arch/pick/by-audit-arch") {
		EXPECT_STR(pname(arch_personality(x, AUDIT_ARCH_X86_64, 9)),
			   "x86_64");
		EXPECT_STR(pname(arch_personality(x, AUDIT_ARCH_I386, 90)),
			   "i386");
		EXPECT_STR(pname(arch_personality(a64, AUDIT_ARCH_AARCH64, 222)),
			   "aarch64");
		EXPECT_STR(pname(arch_personality(a64, AUDIT_ARCH_ARM, 192)),
			   "arm");
		EXPECT_STR(pname(arch_personality(z, AUDIT_ARCH_S390X, 90)),
			   "s390x");
		EXPECT_STR(pname(arch_personality(z, AUDIT_ARCH_S390, 90)),
			   "s390");
		EXPECT(arch_personality(a64, AUDIT_ARCH_X86_64, 9) == NULL);
		EXPECT(arch_personality(x, AUDIT_ARCH_S390X, 9) == NULL);
	}
	UNIT_CASE("arch/pick/x32-by-flag") {
		EXPECT_STR(pname(arch_personality(x, AUDIT_ARCH_X86_64,
					    0x40000009)), "x32");
		/* A skipped call's -1 is not x32. */
		EXPECT_STR(pname(arch_personality(x, AUDIT_ARCH_X86_64, -1)),
			   "x86_64");
		EXPECT_STR(pname(arch_personality(x, AUDIT_ARCH_X86_64, 9)),
			   "x86_64");
	}
	UNIT_CASE("arch/pick/layout-by-size") {
		const struct personality *i386 = find_pers(x, "i386");
		const struct personality *arm = find_pers(a64, "arm");
		const struct personality *s390 = find_pers(z, "s390");
		EXPECT(arch_layout(i386, 68) && arch_layout(i386, 68)->size == 68);
		EXPECT(arch_layout(i386, 216) &&
		       arch_layout(i386, 216)->size == 216);
		EXPECT(arch_layout(i386, 72) == NULL);
		EXPECT(arch_layout(arm, 72) != NULL);
		EXPECT(arch_layout(arm, 272) == NULL);
		EXPECT(arch_layout(s390, 140) != NULL);
		EXPECT(arch_layout(s390, 216) == NULL);
	}
}

static void test_ppc_conventions(void)
{
	const struct fx *f = NULL;
	for (size_t i = 0; i < NFIX; i++)
		if (!strcmp(fixtures[i].pers, "ppc64le"))
			f = &fixtures[i];
	const struct personality *p =
		find_pers(find_arch("ppc64le"), "ppc64le");
	const struct regset_layout *l = arch_layout(p, 384);
	unsigned char b[ARCH_REGSET_MAX];

	UNIT_CASE("arch/ppc64le/scv-uses-negative-errno") {
		build(f, b, 90, call_args);
		put(b, f->trap, 8, false, 0x3000);
		arch_encode_skip(p, l, b, -13);
		EXPECT(get_signed(b, f->nr, 8, false) == -1);
		EXPECT(get_signed(b, f->ret, 8, false) == -13);
		EXPECT(!(get(b, f->ccr, 8, false) & 0x10000000));
		/* Other CR fields stay as they were. */
		EXPECT(get(b, f->ccr, 8, false) == 0x22000000);
	}
	UNIT_CASE("arch/ppc64le/sc-error-then-success-clears-so") {
		build(f, b, 90, call_args);
		arch_encode_return(p, l, b, -22);
		EXPECT(get(b, f->ret, 8, false) == 22);
		EXPECT(get(b, f->ccr, 8, false) == (0x22000000 | 0x10000000));
		arch_encode_return(p, l, b, 0x1000);
		EXPECT(get(b, f->ret, 8, false) == 0x1000);
		EXPECT(get(b, f->ccr, 8, false) == 0x22000000);
	}
}

/*
 * Every slot of every layout filled, inside its regset and as wide as a
 * register of it; the personality facts that follow from AUDIT_ARCH
 * agree with the table. (Table contents are not constant expressions in
 * C, so this is a test rather than a _Static_assert; each table file
 * asserts its own offsets at compile time.)
 */
static bool slot_ok(struct reg_slot s, const struct regset_layout *l)
{
	return (s.size == 4 || s.size == 8) && s.off + s.size <= l->size &&
	       s.off % s.size == 0;
}

static void test_completeness(void)
{
	UNIT_CASE("arch/tables/complete") {
		EXPECT(arch_nall >= 7);
		for (size_t i = 0; i < arch_nall; i++) {
			const struct arch_desc *a = arch_all[i];
			EXPECT(a->name && a->npers > 0);
			for (size_t j = 0; j < a->npers; j++) {
				const struct personality *p = a->pers[j];
				bool le = p->audit_arch & __AUDIT_ARCH_LE;
				bool b64 = p->audit_arch & __AUDIT_ARCH_64BIT;

				EXPECT(p->name && p->audit_arch && p->scmp_arch);
				EXPECT(p->word == 4 || p->word == 8);
				EXPECT(b64 == (p->word == 8));
				EXPECT(le == !p->big_endian);
				EXPECT(!p->mmap_is_old || p->old_mmap_word == 4 ||
				       p->old_mmap_word == 8);
				EXPECT(!p->mmap2_block || p->mmap_is_old);
				EXPECT(!p->mmap2_block || p->mmap2_unit);
				EXPECT(p->nlayouts > 0 && p->layouts);
				if (p->err != ERR_NEG) {
					EXPECT(p->nlayouts == 1);
					EXPECT(slot_ok(p->err_flag, &p->layouts[0]));
				}
				if (p->err == ERR_PPC_SO)
					EXPECT(slot_ok(p->err_trap, &p->layouts[0]));
				/* Explicitly absent where unused. */
				if (p->err == ERR_NEG)
					EXPECT(!p->err_flag.size &&
					       !p->err_trap.size);
				for (size_t k = 0; k < p->nlayouts; k++) {
					const struct regset_layout *l =
						&p->layouts[k];
					EXPECT(l->size > 0 &&
					       l->size <= ARCH_REGSET_MAX);
					EXPECT(slot_ok(l->nr, l));
					EXPECT(slot_ok(l->ret, l));
					EXPECT(slot_ok(l->ip, l));
					EXPECT(slot_ok(l->sp, l));
					for (int m = 0; m < 6; m++) {
						EXPECT(slot_ok(l->args[m], l));
						EXPECT(l->args[m].size >= p->word);
					}
					/* One view per size. */
					for (size_t q = 0; q < k; q++)
						EXPECT(p->layouts[q].size != l->size);
				}
				/* No two personalities a stop cannot tell apart. */
				for (size_t q = 0; q < j; q++)
					EXPECT(a->pers[q]->audit_arch !=
					       p->audit_arch ||
					       a->pers[q]->nr_flag != p->nr_flag);
			}
		}
		/* Every personality has a fixture here. */
		for (size_t i = 0; i < arch_nall; i++)
			for (size_t j = 0; j < arch_all[i]->npers; j++)
				for (size_t k = 0;
				     k < arch_all[i]->pers[j]->nlayouts; k++) {
					bool found = false;
					for (size_t m = 0; m < NFIX; m++)
						found |= !strcmp(fixtures[m].arch,
								 arch_all[i]->name) &&
							 !strcmp(fixtures[m].pers,
								 arch_all[i]->pers[j]->name) &&
							 fixtures[m].size ==
							 arch_all[i]->pers[j]->layouts[k].size;
					EXPECT(found);
				}
	}
}

/*
 * Where an architecture reads libunwind's registers itself
 * (arch_desc.unwind_regs): every offset is a whole word inside the
 * native personality's regset, and the table reaches the PC and the
 * stack pointer of that regset (a trace needs both to start).
 */
static void test_unwind_regs(void)
{
	UNIT_CASE("arch/tables/unwind-regs") {
		for (size_t i = 0; i < arch_nall; i++) {
			const struct arch_desc *a = arch_all[i];
			if (!a->unwind_regs) {
				EXPECT(a->nunwind_regs == 0);
				continue;
			}
			const struct personality *p = a->pers[0];
			const struct regset_layout *l = &p->layouts[0];
			bool ip = false, sp = false;
			EXPECT(a->nunwind_regs > 0);
			for (size_t r = 0; r < a->nunwind_regs; r++) {
				int off = a->unwind_regs[r];
				if (off < 0) {
					EXPECT(off == -1);
					continue;
				}
				EXPECT(off % p->word == 0 &&
				       off + p->word <= l->size);
				ip |= off == l->ip.off;
				sp |= off == l->sp.off;
			}
			EXPECT(ip && sp);
		}
	}
}

static void test_host(void)
{
	UNIT_CASE("arch/host/in-all") {
		bool found = false;
		for (size_t i = 0; i < arch_nall; i++)
			found |= arch_all[i] == arch_host;
		EXPECT(found);
	}
}

/* Every way to SysV shm has a number where the kernel has one, though
 * libseccomp 2.5 names no direct shmat on i386, s390 and powerpc. */
static void test_shm_numbers(void)
{
	static const struct { const char *pers; long shmat, ipc; } want[] = {
		{ "x86_64", 30, -1 }, { "i386", 397, 117 },
		{ "s390x", 397, 117 }, { "s390", 397, 117 },
		{ "ppc64le", 397, 117 },
	};
	UNIT_CASE("arch/numbers/shmat-and-ipc") {
		for (size_t i = 0; i < arch_nall; i++)
			for (size_t j = 0; j < arch_all[i]->npers; j++) {
				const struct personality *p = arch_all[i]->pers[j];
				struct msys_numbers n;
				if (arch_resolve_numbers(p, &n) < 0)
					continue;
				for (size_t k = 0; k < sizeof(want) /
				     sizeof(want[0]); k++) {
					if (strcmp(want[k].pers, p->name))
						continue;
					EXPECT(n.nr[MSYS_SHMAT] == want[k].shmat);
					EXPECT(n.nr[MSYS_IPC] == want[k].ipc);
					EXPECT(arch_classify(p, &n,
						want[k].shmat) == MSYS_SHMAT);
				}
			}
	}
}

int main(void)
{
	test_completeness();
	test_shm_numbers();
	for (size_t i = 0; i < NFIX; i++)
		test_fixture(&fixtures[i]);
	test_compat_extension();
	test_personality_pick();
	test_ppc_conventions();
	test_unwind_regs();
	test_host();
	UNIT_DONE();
}
