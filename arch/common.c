/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Generic, pure decoding over the per-architecture tables. */
#include <string.h>

#include <seccomp.h>

#include "arch/arch.h"

uint64_t reg_get(const void *regs, struct reg_slot s)
{
	const unsigned char *b = (const unsigned char *)regs + s.off;

	if (s.size == 4) {
		uint32_t v;
		memcpy(&v, b, 4);
		return v;
	}
	uint64_t v;
	memcpy(&v, b, 8);
	return v;
}

int64_t reg_get_signed(const void *regs, struct reg_slot s)
{
	uint64_t v = reg_get(regs, s);

	return s.size == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

void reg_put(void *regs, struct reg_slot s, uint64_t v)
{
	unsigned char *b = (unsigned char *)regs + s.off;

	if (s.size == 4) {
		uint32_t w = (uint32_t)v;
		memcpy(b, &w, 4);
	} else {
		memcpy(b, &v, 8);
	}
}

/*
 * Byte-order aware loads and stores, built byte by byte so that they
 * give the same answer on every host: a table decodes its fixtures in
 * the target's order (s390x is big-endian) wherever the test runs.
 */
static uint64_t load_order(const unsigned char *b, unsigned size, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)b[be ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

static void store_order(unsigned char *b, unsigned size, bool be, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		b[be ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

uint64_t arch_reg_get(const struct personality *p, const void *regs,
		      struct reg_slot s)
{
	return load_order((const unsigned char *)regs + s.off,
			  s.size == 4 ? 4 : 8, p->big_endian);
}

int64_t arch_reg_get_signed(const struct personality *p, const void *regs,
			    struct reg_slot s)
{
	uint64_t v = arch_reg_get(p, regs, s);

	return s.size == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

void arch_reg_put(const struct personality *p, void *regs,
		  struct reg_slot s, uint64_t v)
{
	store_order((unsigned char *)regs + s.off, s.size == 4 ? 4 : 8,
		    p->big_endian, v);
}

const struct personality *arch_personality(const struct arch_desc *a,
					   uint32_t audit_arch, long nr)
{
	const struct personality *plain = NULL;

	for (size_t i = 0; i < a->npers; i++) {
		const struct personality *p = a->pers[i];

		if (p->audit_arch != audit_arch)
			continue;
		/* nr -1 is a skipped call, not x32: test the flag on a
		 * valid number only. */
		if (p->nr_flag) {
			if (nr >= 0 && (nr & (long)p->nr_flag))
				return p;
			continue;
		}
		plain = p;
	}
	return plain;
}

const struct regset_layout *arch_layout(const struct personality *p,
					size_t len)
{
	for (size_t i = 0; i < p->nlayouts; i++)
		if (p->layouts[i].size == len)
			return &p->layouts[i];
	return NULL;
}

static uint64_t word_mask(unsigned word)
{
	return word >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (word * 8)) - 1;
}

int arch_decode_regs(const struct personality *p,
		     const struct regset_layout *l, const void *regs,
		     struct raw_call *out)
{
	uint64_t mask = word_mask(p->word);

	/* The number is an int for the kernel: -1 stays -1 at any width. */
	out->nr = (long)(int32_t)arch_reg_get_signed(p, regs, l->nr);
	for (int i = 0; i < 6; i++)
		out->args[i] = arch_reg_get(p, regs, l->args[i]) & mask;
	out->ip = arch_reg_get(p, regs, l->ip);
	out->sp = arch_reg_get(p, regs, l->sp);
	return 0;
}

/* The powerpc summary-overflow bit of CR field 0: set on a failed sc. */
#define PPC_CR_SO	0x10000000u
/* powerpc trap word of a call made by scv (low bits carry flags). */
#define PPC_TRAP_SCV	0x3000u
#define PPC_TRAP_MASK	0xfff0u

void arch_encode_return(const struct personality *p,
			const struct regset_layout *l, void *regs,
			int64_t retval)
{
	bool failed = retval < 0 && retval >= -4095;

	switch (p->err) {
	case ERR_PPC_SO:
		/* scv reports -errno like everyone else; only sc uses the
		 * positive errno plus CR.SO. A successful result must
		 * clear SO, which an earlier stop may have set. */
		if (p->err_trap.size &&
		    (arch_reg_get(p, regs, p->err_trap) & PPC_TRAP_MASK) ==
		    PPC_TRAP_SCV) {
			arch_reg_put(p, regs, l->ret, (uint64_t)retval);
			return;
		}
		arch_reg_put(p, regs, l->ret,
			     (uint64_t)(failed ? -retval : retval));
		if (p->err_flag.size) {
			uint64_t cr = arch_reg_get(p, regs, p->err_flag);
			cr = failed ? cr | PPC_CR_SO : cr & ~(uint64_t)PPC_CR_SO;
			arch_reg_put(p, regs, p->err_flag, cr);
		}
		return;
	case ERR_MIPS_A3:
		/* v0 holds the positive errno, a3 says it is one. */
		arch_reg_put(p, regs, l->ret,
			     (uint64_t)(failed ? -retval : retval));
		if (p->err_flag.size)
			arch_reg_put(p, regs, p->err_flag, failed ? 1 : 0);
		return;
	case ERR_NEG:
	default:
		arch_reg_put(p, regs, l->ret, (uint64_t)retval);
		return;
	}
}

void arch_encode_skip(const struct personality *p,
		      const struct regset_layout *l, void *regs,
		      int64_t retval)
{
	arch_reg_put(p, regs, l->nr, (uint64_t)-1);
	/* s390: the result goes in at the exit stop; writing it here would
	 * overwrite the -1 in the shared gpr2 and become a syscall number
	 * (its low 16 bits) on Linux 5.10+. */
	if (!p->ret_at_exit)
		arch_encode_return(p, l, regs, retval);
}

/* Every call goes by its own name (msys_name) but these. */
const char *arch_scmp_name(enum msys s)
{
	switch (s) {
	case MSYS_OLD_MMAP:
		return "mmap";
	case MSYS_NONE:
	case MSYS_EXEC:		/* not a call memtrace stops on */
		return NULL;
	default:
		return s < MSYS__N ? msys_name(s) : NULL;
	}
}

int arch_resolve_numbers(const struct personality *p,
			 struct msys_numbers *out)
{
	for (int s = 0; s < MSYS__N; s++)
		out->nr[s] = -1;
	for (int s = 0; s < MSYS__N; s++) {
		const char *name = arch_scmp_name((enum msys)s);

		/* "mmap" is resolved once, as MSYS_MMAP. */
		if (!name || s == MSYS_OLD_MMAP)
			continue;
		int nr = seccomp_syscall_resolve_name_arch(p->scmp_arch, name);
		if (nr < 0)
			continue;	/* not on this personality */
		enum msys as = (enum msys)s;
		if (as == MSYS_MMAP && p->mmap_is_old)
			as = MSYS_OLD_MMAP;
		out->nr[as] = nr;
	}
	for (size_t i = 0; i < p->nraw_numbers; i++)
		if (out->nr[p->raw_numbers[i].sys] < 0)
			out->nr[p->raw_numbers[i].sys] = p->raw_numbers[i].nr;
	return out->nr[MSYS_MPROTECT] < 0 ? -1 : 0;
}

enum msys arch_classify(const struct personality *p,
			const struct msys_numbers *n, long nr)
{
	(void)p;
	if (nr < 0)
		return MSYS_NONE;
	for (int s = 1; s < MSYS__N; s++)
		if (n->nr[s] == nr)
			return (enum msys)s;
	return MSYS_NONE;
}

bool arch_uses_block(const struct personality *p, enum msys s)
{
	return s == MSYS_OLD_MMAP || (s == MSYS_MMAP2 && p->mmap2_block);
}

/* The size of one word of the block. */
static unsigned block_word_size(const struct personality *p)
{
	return p->old_mmap_word ? p->old_mmap_word : p->word;
}

size_t arch_block_size(const struct personality *p)
{
	return 6 * block_word_size(p);
}

static uint64_t block_word(const struct personality *p, const void *block,
			   int i)
{
	unsigned w = block_word_size(p);
	const unsigned char *b = (const unsigned char *)block + i * w;

	/* The block is tracee memory: the personality's byte order. */
	return load_order(b, w == 4 ? 4 : 8, p->big_endian);
}

static void fill_mmap(struct mcall *c, const uint64_t a[6], uint64_t unit)
{
	c->addr = a[0];
	c->len = a[1];
	c->prot = a[2];
	c->flags = a[3];
	c->fd = (int)(uint32_t)a[4];
	c->off = a[5] * unit;
}

void arch_fill_call(const struct personality *p, enum msys s,
		    const struct raw_call *rc, const void *block,
		    struct mcall *c)
{
	memset(c, 0, sizeof(*c));
	c->sys = s;
	c->nr = rc->nr;
	c->pers = p->name;
	c->word = p->word;
	memcpy(c->raw, rc->args, sizeof(c->raw));
	c->fd = -1;
	c->clone_flags_arg = p->clone_flags_arg;

	if (arch_uses_block(p, s)) {
		uint64_t a[6];
		c->block_addr = rc->args[0];
		if (!block) {
			c->block_unreadable = true;
			return;
		}
		for (int i = 0; i < 6; i++)
			a[i] = block_word(p, block, i);
		fill_mmap(c, a, s == MSYS_MMAP2 ? p->mmap2_unit : 1);
		return;
	}

	switch (s) {
	case MSYS_BRK:
		c->brk = rc->args[0];
		break;
	case MSYS_MMAP:
		fill_mmap(c, rc->args, 1);
		break;
	case MSYS_MMAP2:
		fill_mmap(c, rc->args, p->mmap2_unit);
		break;
	case MSYS_MREMAP:
		c->addr = rc->args[0];
		c->old_len = rc->args[1];
		c->new_len = rc->args[2];
		c->flags = rc->args[3];
		c->new_addr = rc->args[4];
		break;
	case MSYS_MPROTECT:
	case MSYS_PKEY_MPROTECT:
		c->addr = rc->args[0];
		c->len = rc->args[1];
		c->prot = rc->args[2];
		break;
	default:
		break;
	}
}
