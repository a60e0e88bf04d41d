/** A local calendar day (yyyy-mm-dd, as an <input type="date"> gives it) as [from, to) in ms. */
export function dayBounds(day: string): { from: number; to: number } {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  return { from: new Date(year, month - 1, date).getTime(), to: new Date(year, month - 1, date + 1).getTime() }
}

export function today(): string {
  const now = new Date()
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
}
