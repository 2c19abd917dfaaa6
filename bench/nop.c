/* SPDX-License-Identifier: ISC */
/*
 * nop.c: a target that does nothing, built with musl-gcc -static (make
 * bench), so that the max RSS bench/rr reports for a wrapper that execs it
 * is the wrapper's own: ru_maxrss is the high-water mark of the process
 * over its execs, and /bin/true's own (about 1.1 MB) would hide a smaller
 * wrapper's.  Benchmark only.
 */
int main(void)
{
	return 0;
}
