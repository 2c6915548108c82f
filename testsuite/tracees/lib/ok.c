/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shared test library. mk/testlibs.mk builds it as libok.so and,
 * with a different stack marking, as libexecstack.so and libnostack.so;
 * a tracee that dlopen()s one calls lib_answer() to prove it loaded.
 */
int lib_answer(void);

int lib_answer(void)
{
	return 42;
}
