import { readFileSync } from 'node:fs'

/** USER_HZ: the kernel reports thread times in these ticks (100 on every Linux build we ship to). */
const ticksPerSecond = 100

/**
 * CPU seconds this thread has used, from /proc/thread-self/stat (utime + stime); undefined where
 * there is no such file. Node 20 has no per-thread clock, and the process's counts every worker:
 * on shared cores only a thread's own CPU time says how long its work would take alone.
 */
export function threadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    // After "pid (name) ": field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks / ticksPerSecond : undefined
  } catch {
    return undefined
  }
}

/** The CPU seconds `work` takes on this thread (undefined where it cannot be measured). */
export async function onThisThread<T>(work: () => Promise<T>): Promise<{ value: T; cpuSeconds?: number }> {
  const before = threadCpuSeconds()
  const value = await work()
  const after = threadCpuSeconds()
  return { value, cpuSeconds: before === undefined || after === undefined ? undefined : after - before }
}
