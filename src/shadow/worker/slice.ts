// A long time slice for the replay worker (docs/shadow.md, "The worker's priority"). Since Linux 6.12 a thread
// may ask for its own slice length (sched_setattr's `sched_runtime` for SCHED_OTHER), and EEVDF lets a woken
// thread whose slice is shorter take the core from the running one at once — compared where their groups
// meet, so across sessions and cgroups too, where SCHED_IDLE gives way only within its own group. With 100 ms
// asked (the kernel's longest) every default thread of the machine is shorter: PostgreSQL's, Redis's, the
// gateway's. Node has no call for it and util-linux's `chrt` sets it only in versions after Debian 12's, so
// the worker starts through perl (perl-base is essential on Debian, in the image too): a one-liner that sets
// SCHED_OTHER, nice 19 and the slice for itself and then execs node. Threads started later inherit all three.

/** sched_setattr and sched_getattr by architecture (Node's `process.arch`); elsewhere no slice is asked. */
const SYSCALLS: Partial<Record<string, { set: number; get: number }>> = { x64: { set: 314, get: 315 }, arm64: { set: 274, get: 275 } };

/** The slice the worker asks for, in nanoseconds: the longest the kernel takes. */
export const REPLAY_SLICE_NS = 100_000_000;

/** struct sched_attr, its first 48 bytes (SCHED_ATTR_SIZE_VER0): size, policy, flags, nice, priority, runtime, deadline, period. */
const ATTR = 'LLQlLQQQ';

/**
 * The perl program that gives itself SCHED_OTHER at nice `nice` with the long slice, checks that the kernel
 * kept the slice (before 6.12 it ignores it: exit 3) and execs its arguments; null where the architecture's
 * system call numbers are not known here.
 */
export function sliceProgram(nice: number, arch: string = process.arch): string | null {
  const nr = SYSCALLS[arch];
  if (!nr) return null;
  return [
    // syscall() hands perl strings to the kernel by address: each must be a variable, not a constant.
    `my $want = pack("${ATTR}", 48, 0, 0, ${nice}, 0, ${REPLAY_SLICE_NS}, 0, 0); syscall(${nr.set}, 0, $want, 0) == 0 or die "sched_setattr: $!\\n";`,
    `my $attr = "\\0" x 48; syscall(${nr.get}, 0, $attr, 48, 0) == 0 or die "sched_getattr: $!\\n";`,
    `(unpack("${ATTR}", $attr))[5] == ${REPLAY_SLICE_NS} or exit 3;`,
    'exec { $ARGV[0] } @ARGV or die "exec: $!\\n";',
  ].join(' ');
}
