/**
 * A time zone's offset from UTC at an instant, from the platform's time-zone data (Intl), with one formatter
 * per zone made once: both ksqlDB's date functions and the JDBC source's `db.timezone` read it per value.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock formatter (throws RangeError for a zone the platform does not know). */
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The IANA zone's offset from UTC at an instant, in milliseconds (local = UTC + offset). */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  if (zone === 'UTC') return 0;
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(whole))
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const local = Date.UTC(0, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  // Date.UTC maps years 0-99 to 1900-1999: set the year afterwards.
  const d = new Date(local);
  d.setUTCFullYear(year);
  return d.getTime() - whole;
}
