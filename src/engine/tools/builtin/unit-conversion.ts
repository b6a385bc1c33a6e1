/** What a unit measures; units convert only within one dimension. */
export type Dimension =
  | 'length'
  | 'mass'
  | 'volume'
  | 'area'
  | 'speed'
  | 'time'
  | 'data'
  | 'temperature'
  | 'pressure'
  | 'energy';

interface Unit {
  symbol: string;
  dimension: Dimension;
  /** The size of the unit in the dimension's base unit (metre, kilogram, cubic metre, ...); 0 for temperatures. */
  factor: number;
  /** For temperatures: the index of the scale in `temperatures`. */
  scale?: number;
}

/** Units as [aliases (the first is the symbol shown), factor to the base unit]. */
const table: Record<Exclude<Dimension, 'temperature'>, [string[], number][]> = {
  length: [
    [['nm', 'nanometer', 'nanometre'], 1e-9],
    [['um', 'micrometer', 'micrometre', 'micron'], 1e-6],
    [['mm', 'millimeter', 'millimetre'], 1e-3],
    [['cm', 'centimeter', 'centimetre'], 1e-2],
    [['m', 'meter', 'metre'], 1],
    [['km', 'kilometer', 'kilometre'], 1e3],
    [['in', 'inch', 'inches'], 0.0254],
    [['ft', 'foot', 'feet'], 0.3048],
    [['yd', 'yard'], 0.9144],
    [['mi', 'mile'], 1609.344],
    [['nmi', 'nautical mile'], 1852],
  ],
  mass: [
    [['ug', 'microgram'], 1e-9],
    [['mg', 'milligram'], 1e-6],
    [['g', 'gram'], 1e-3],
    [['kg', 'kilogram', 'kilo'], 1],
    [['t', 'tonne', 'metric ton'], 1e3],
    [['oz', 'ounce'], 0.028349523125],
    [['lb', 'lbs', 'pound'], 0.45359237],
    [['st', 'stone'], 6.35029318],
    [['short ton', 'us ton'], 907.18474],
    [['long ton', 'imperial ton'], 1016.0469088],
  ],
  volume: [
    [['mm3', 'cubic millimeter'], 1e-9],
    [['ml', 'mL', 'milliliter', 'millilitre', 'cm3', 'cc'], 1e-6],
    [['cl', 'centiliter', 'centilitre'], 1e-5],
    [['dl', 'deciliter', 'decilitre'], 1e-4],
    [['l', 'L', 'liter', 'litre'], 1e-3],
    [['m3', 'cubic meter', 'cubic metre'], 1],
    [['tsp', 'teaspoon'], 4.92892159375e-6],
    [['tbsp', 'tablespoon'], 1.478676478125e-5],
    [['fl oz', 'floz', 'fluid ounce'], 2.95735295625e-5],
    [['cup'], 2.365882365e-4],
    [['pt', 'pint'], 4.73176473e-4],
    [['qt', 'quart'], 9.46352946e-4],
    [['gal', 'gallon', 'us gallon'], 3.785411784e-3],
    [['imp gal', 'imperial gallon', 'uk gallon'], 4.54609e-3],
    [['in3', 'cubic inch'], 1.6387064e-5],
    [['ft3', 'cubic foot', 'cubic feet'], 0.028316846592],
  ],
  area: [
    [['mm2', 'square millimeter'], 1e-6],
    [['cm2', 'square centimeter'], 1e-4],
    [['m2', 'sq m', 'square meter', 'square metre'], 1],
    [['ha', 'hectare'], 1e4],
    [['km2', 'sq km', 'square kilometer', 'square kilometre'], 1e6],
    [['in2', 'sq in', 'square inch', 'square inches'], 6.4516e-4],
    [['ft2', 'sq ft', 'square foot', 'square feet'], 0.09290304],
    [['yd2', 'sq yd', 'square yard'], 0.83612736],
    [['acre', 'ac'], 4046.8564224],
    [['mi2', 'sq mi', 'square mile'], 2589988.110336],
  ],
  speed: [
    [['m/s', 'mps', 'meter per second', 'meters per second'], 1],
    [['km/h', 'kmh', 'kph', 'kilometer per hour', 'kilometers per hour', 'kilometres per hour'], 1 / 3.6],
    [['mph', 'mi/h', 'mile per hour', 'miles per hour'], 0.44704],
    [['kn', 'kt', 'knot'], 1852 / 3600],
    [['ft/s', 'fps', 'foot per second', 'feet per second'], 0.3048],
  ],
  time: [
    [['ns', 'nanosecond'], 1e-9],
    [['us', 'microsecond'], 1e-6],
    [['ms', 'millisecond'], 1e-3],
    [['s', 'sec', 'second'], 1],
    [['min', 'minute'], 60],
    [['h', 'hr', 'hour'], 3_600],
    [['day', 'd'], 86_400],
    [['week', 'wk'], 604_800],
    // Average Gregorian month and year (365.2425 days).
    [['month', 'mo'], 2_629_746],
    [['year', 'yr', 'y'], 31_556_952],
  ],
  data: [
    [['bit', 'b'], 1 / 8],
    [['B', 'byte'], 1],
    [['kB', 'KB', 'kilobyte'], 1e3],
    [['MB', 'megabyte'], 1e6],
    [['GB', 'gigabyte'], 1e9],
    [['TB', 'terabyte'], 1e12],
    [['PB', 'petabyte'], 1e15],
    [['KiB', 'kibibyte'], 2 ** 10],
    [['MiB', 'mebibyte'], 2 ** 20],
    [['GiB', 'gibibyte'], 2 ** 30],
    [['TiB', 'tebibyte'], 2 ** 40],
    [['PiB', 'pebibyte'], 2 ** 50],
    [['kbit', 'kb', 'Kb', 'kilobit'], 125],
    [['Mbit', 'Mb', 'megabit'], 125e3],
    [['Gbit', 'Gb', 'gigabit'], 125e6],
    [['Tbit', 'Tb', 'terabit'], 125e9],
  ],
  pressure: [
    [['Pa', 'pascal'], 1],
    [['hPa', 'hectopascal'], 100],
    [['kPa', 'kilopascal'], 1e3],
    [['MPa', 'megapascal'], 1e6],
    [['mbar', 'millibar'], 100],
    [['bar'], 1e5],
    [['atm', 'atmosphere'], 101_325],
    [['psi'], 6894.757293168],
    [['mmHg'], 133.322387415],
    [['torr', 'Torr'], 101_325 / 760],
    [['inHg'], 3386.389],
  ],
  energy: [
    [['J', 'joule'], 1],
    [['kJ', 'kilojoule'], 1e3],
    [['MJ', 'megajoule'], 1e6],
    [['cal', 'calorie'], 4.184],
    [['kcal', 'Cal', 'kilocalorie'], 4_184],
    [['Wh', 'watt hour'], 3_600],
    [['kWh', 'kilowatt hour'], 3.6e6],
    [['MWh', 'megawatt hour'], 3.6e9],
    [['eV', 'electronvolt'], 1.602176634e-19],
    [['BTU', 'Btu'], 1055.05585262],
    [['ft-lbf', 'ft lbf', 'foot pound'], 1.3558179483314],
    [['erg'], 1e-7],
  ],
};

/** Temperature scales, as conversions to and from kelvin. */
const temperatures: { aliases: string[]; toKelvin(value: number): number; fromKelvin(value: number): number }[] = [
  { aliases: ['°C', 'C', 'degC', 'celsius'], toKelvin: (value) => value + 273.15, fromKelvin: (value) => value - 273.15 },
  {
    aliases: ['°F', 'F', 'degF', 'fahrenheit'],
    toKelvin: (value) => ((value - 32) * 5) / 9 + 273.15,
    fromKelvin: (value) => ((value - 273.15) * 9) / 5 + 32,
  },
  { aliases: ['K', 'kelvin'], toKelvin: (value) => value, fromKelvin: (value) => value },
  { aliases: ['°R', 'R', 'rankine'], toKelvin: (value) => (value * 5) / 9, fromKelvin: (value) => (value * 9) / 5 },
];

const exact = new Map<string, Unit>();
const caseless = new Map<string, Unit[]>();

function addAlias(alias: string, unit: Unit): void {
  exact.set(alias, unit);
  const key = alias.toLowerCase();
  const existing = caseless.get(key) ?? [];
  if (!existing.includes(unit)) caseless.set(key, [...existing, unit]);
}

for (const [dimension, units] of Object.entries(table) as [Dimension, [string[], number][]][]) {
  for (const [aliases, factor] of units) {
    const unit: Unit = { symbol: aliases[0]!, dimension, factor };
    for (const alias of aliases) addAlias(alias, unit);
  }
}
temperatures.forEach((scale, index) => {
  const unit: Unit = { symbol: scale.aliases[0]!, dimension: 'temperature', factor: 0, scale: index };
  for (const alias of scale.aliases) addAlias(alias, unit);
});

/** A unit that cannot be found or converted; the message is meant for the caller. */
export class UnitError extends Error {
  override name = 'UnitError';
}

function normalize(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/²/g, '2')
    .replace(/³/g, '3')
    .replace(/[µμ]/g, 'u');
}

/** Finds a unit: exact spelling first, then ignoring case when that is unambiguous, then without a plural "s". */
export function findUnit(text: string): Unit {
  const name = normalize(text);
  const candidates = [name];
  if (name.length >= 3 && /s$/i.test(name)) candidates.push(name.replace(/s$/i, ''), name.replace(/es$/i, ''));
  for (const candidate of candidates) {
    const unit = exact.get(candidate);
    if (unit) return unit;
    const matches = caseless.get(candidate.toLowerCase()) ?? [];
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new UnitError(`"${text}" is ambiguous: write one of ${matches.map((match) => match.symbol).join(', ')} exactly`);
    }
  }
  throw new UnitError(`Unknown unit "${text}". Known units: ${listUnits()}`);
}

function listUnits(): string {
  const symbols = new Map<Dimension, Set<string>>();
  for (const unit of exact.values()) symbols.set(unit.dimension, (symbols.get(unit.dimension) ?? new Set()).add(unit.symbol));
  return [...symbols].map(([dimension, names]) => `${dimension} (${[...names].join(', ')})`).join('; ');
}

/** Rounds away floating-point noise (2.5400000000000005 -> 2.54) but keeps integers such as 2^50 exact. */
function tidy(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(15));
}

/** The result of a conversion, with the units resolved to their symbols. */
export interface Conversion {
  value: number;
  from: string;
  to: string;
  dimension: Dimension;
  result: number;
}

/** Converts a value between two units of the same dimension; throws `UnitError` otherwise. */
export function convertUnit(value: number, fromText: string, toText: string): Conversion {
  const from = findUnit(fromText);
  const to = findUnit(toText);
  if (from.dimension !== to.dimension) {
    throw new UnitError(`Cannot convert ${from.symbol} (${from.dimension}) to ${to.symbol} (${to.dimension})`);
  }
  let result: number;
  if (from.dimension === 'temperature') {
    const kelvin = temperatures[from.scale!]!.toKelvin(value);
    // A little tolerance, so -459.67 °F (absolute zero after rounding) is accepted.
    if (kelvin < -1e-9) throw new UnitError(`${value} ${from.symbol} is below absolute zero`);
    result = temperatures[to.scale!]!.fromKelvin(kelvin);
  } else {
    result = (value * from.factor) / to.factor;
  }
  if (!Number.isFinite(result)) throw new UnitError('The result is too large to represent');
  return { value, from: from.symbol, to: to.symbol, dimension: from.dimension, result: tidy(result) };
}
