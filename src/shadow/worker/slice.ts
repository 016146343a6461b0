// A long time slice for the replay worker (docs/shadow.md, "The worker's priority"). Since Linux 6.12 a thread
// may ask for its own slice length (sched_setattr's `sched_runtime` for SCHED_OTHER), and EEVDF lets a woken
// thread whose slice is shorter take the core from the running one at once — compared where their groups
// meet, so across sessions and cgroups too, where SCHED_IDLE gives way only within its own group. With 100 ms
// asked (the kernel's longest) every default thread of the machine is shorter: PostgreSQL's, Redis's, the
// gateway's. On top of the slice the worker then switches to SCHED_IDLE, which keeps it (the kernel sets a
// slice only for SCHED_OTHER and leaves it alone on the way to SCHED_IDLE): a core that runs only idle threads
// counts as free when the kernel places a woken thread, so a client's thread is put on the replay's core and
// takes it, instead of queueing behind a normal thread on the other core. Node has no call for either and
// util-linux's `chrt` sets the slice only in versions after Debian 12's, so the worker starts through perl
// (perl-base is essential on Debian, in the image too): a one-liner that sets its own scheduling and then
// execs node. Threads started later inherit it.

/** sched_setattr, sched_getattr and sched_setscheduler by architecture (Node's `process.arch`); elsewhere no slice is asked. */
export const SCHED_SYSCALLS: Partial<Record<string, { set: number; get: number; setScheduler: number }>> = {
  x64: { set: 314, get: 315, setScheduler: 144 }, arm64: { set: 274, get: 275, setScheduler: 119 },
};

/** Linux's policy numbers (sched.h). */
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** The slice the worker asks for, in nanoseconds: the longest the kernel takes. */
export const REPLAY_SLICE_NS = 100_000_000;

/** struct sched_attr, its first 48 bytes (SCHED_ATTR_SIZE_VER0): size, policy, flags, nice, priority, runtime, deadline, period. */
const ATTR = 'LLQlLQQQ';

/**
 * The perl program that gives itself SCHED_OTHER at nice `nice` with the long slice, then (with `idle`)
 * SCHED_IDLE, checks that the kernel kept the slice and the policy (before 6.12 it ignores the slice: exit 3)
 * and execs its arguments; null where the architecture's system call numbers are not known here.
 */
export function sliceProgram(nice: number, arch: string = process.arch, idle = false): string | null {
  const nr = SCHED_SYSCALLS[arch];
  if (!nr) return null;
  return [
    // syscall() hands perl strings to the kernel by address: each must be a variable, not a constant.
    `my $want = pack("${ATTR}", 48, 0, 0, ${nice}, 0, ${REPLAY_SLICE_NS}, 0, 0); syscall(${nr.set}, 0, $want, 0) == 0 or die "sched_setattr: $!\\n";`,
    ...(idle ? [`my $param = pack("l", 0); syscall(${nr.setScheduler}, 0, ${SCHED_IDLE}, $param) == 0 or die "sched_setscheduler: $!\\n";`] : []),
    `my $attr = "\\0" x 48; syscall(${nr.get}, 0, $attr, 48, 0) == 0 or die "sched_getattr: $!\\n";`,
    `my @got = unpack("${ATTR}", $attr); $got[5] == ${REPLAY_SLICE_NS} && $got[1] == ${idle ? SCHED_IDLE : SCHED_OTHER} or exit 3;`,
    'exec { $ARGV[0] } @ARGV or die "exec: $!\\n";',
  ].join(' ');
}
