// GEO_DISTANCE: great-circle (haversine) distance between two (lat, lon) points in decimal degrees.
import { T, isNumeric } from '../types.ts';
import { def, sig } from './registry.ts';

const EARTH_RADIUS_KM = 6371;
const EARTH_RADIUS_MILES = 3959;
const MILES = ['mi', 'mile', 'miles'];
const KMS = ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'];

function radiusFor(units: unknown): number {
  const u = units === null || units === undefined ? '' : String(units).trim().toLowerCase();
  if (u === '' || KMS.includes(u)) return EARTH_RADIUS_KM;
  if (MILES.includes(u)) return EARTH_RADIUS_MILES;
  throw new Error(`GeoDistance function units parameter must be one of ${[...MILES, ...KMS].join(', ')}. Values are case-insensitive.`);
}

const toRadians = (deg: number) => (deg / 180) * Math.PI;
const haversin = (x: number) => Math.pow(Math.sin(x / 2), 2);

/**
 * Parameters are DOUBLE: an INT or BIGINT argument is cast implicitly (as ksqlDB's overload resolution
 * does); a fifth argument names the unit (km by default, or miles).
 */
def('GEO_DISTANCE', 'Distance between two points, in km or miles', (ts) => {
  const points = ts.slice(0, 4);
  const unitOk = ts.length === 4 || (ts.length === 5 && (ts[4]!.base === 'STRING' || ts[4]!.base === 'NULL'));
  if (ts.length < 4 || !unitOk || !points.every((t) => isNumeric(t) || t.base === 'NULL'))
    return `Function 'geo_distance' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.DOUBLE,
    invoke: (a) => {
      // the parameters are Java primitives: a null point cannot be passed in
      if (a.slice(0, 4).some((x) => x === null || x === undefined)) throw new Error('GEO_DISTANCE: a coordinate is null');
      const [lat1, lon1, lat2, lon2] = a.slice(0, 4).map(Number) as [number, number, number, number];
      if ([lat1, lat2].some((l) => l < -90 || l > 90))
        throw new Error('valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees');
      if ([lon1, lon2].some((l) => l < -180 || l > 180))
        throw new Error('valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees');
      const radius = radiusFor(a[4]);
      const h = haversin(toRadians(lat2 - lat1)) + haversin(toRadians(lon2 - lon1)) * Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2));
      return 2 * Math.asin(Math.sqrt(h)) * radius;
    },
  };
});
