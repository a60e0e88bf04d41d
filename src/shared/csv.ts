/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes. A leading =, +, - or @ is defused so a spreadsheet does not run it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Rows of fields as CSV text, CRLF line ends as RFC 4180 has them. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}
