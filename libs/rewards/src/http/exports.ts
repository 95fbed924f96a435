import { Workbook } from 'exceljs';

/**
 * Tables as files for the office's monthly bulletin (issue 10 item 8): CSV or an XLSX workbook of one sheet, headers
 * in Chinese or English. The only file that knows exceljs (dependency-cruiser `exceljs-in-one-file`).
 *
 * Money is carried in integer fen everywhere else; here a `yuan` column turns fen into yuan (fen / 100), written as
 * a number with two decimals. A `rate` is a fraction (0.25) shown as a percentage (25.00%).
 */

export type ExportFormat = 'csv' | 'xlsx';
export type ExportLang = 'zh' | 'en';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];
export const EXPORT_LANGS: readonly ExportLang[] = ['zh', 'en'];

/** How a column's values are written: text as is, int as a whole number, yuan from fen, date YYYY-MM-DD, rate a fraction. */
export type ColumnKind = 'text' | 'int' | 'yuan' | 'date' | 'rate';

export interface ExportColumn {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  readonly kind: ColumnKind;
  /** Width in characters (XLSX); a default per kind otherwise. */
  readonly width?: number;
}

export type ExportValue = string | number | null | undefined;
export type ExportRow = Readonly<Record<string, ExportValue>>;

export interface ExportTable {
  readonly columns: readonly ExportColumn[];
  readonly rows: readonly ExportRow[];
  /** The XLSX sheet's name (31 characters at most; Excel refuses []:*?/\). */
  readonly sheet: string;
}

export const EXPORT_MEDIA: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The most rows an export holds; a request matching more is refused (422 export-too-large) rather than cut. */
export const MAX_EXPORT_ROWS = 50_000;

const DEFAULT_WIDTH: Record<ColumnKind, number> = { text: 18, int: 10, yuan: 14, date: 12, rate: 10 };
const NUMBER_FORMAT: Record<ColumnKind, string | undefined> = { text: undefined, int: '0', yuan: '0.00', date: 'yyyy-mm-dd', rate: '0.00%' };

/** fen as yuan text with two decimals, by integer arithmetic (no 0.1 + 0.2 surprises): -5 fen is "-0.05". */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A text cell that a spreadsheet would read as a formula (= + - @, or a leading tab or carriage return) gets a
 * leading apostrophe (OWASP CSV injection). Numbers are written by the exporter itself and are never text.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, a quote, CR or LF is quoted, quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(column: ExportColumn, value: ExportValue): string {
  if (value === null || value === undefined || value === '') return '';
  switch (column.kind) {
    case 'text':
      return csvField(neutralizeFormula(String(value)));
    case 'int':
      return String(Math.trunc(Number(value)));
    case 'yuan':
      return fenToYuanText(Number(value));
    case 'rate':
      return `${(Number(value) * 100).toFixed(2)}%`;
    case 'date':
      return csvField(String(value));
  }
}

const header = (column: ExportColumn, lang: ExportLang) => (lang === 'zh' ? column.zh : column.en);

/** CSV: UTF-8 with a byte order mark (so Excel reads Chinese), CRLF line ends, RFC 4180 quoting. */
export function toCsv(table: ExportTable, lang: ExportLang): Buffer {
  const lines = [table.columns.map((c) => csvField(header(c, lang))).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvValue(c, row[c.key])).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

function xlsxValue(column: ExportColumn, value: ExportValue): string | number | Date | null {
  if (value === null || value === undefined || value === '') return null;
  switch (column.kind) {
    case 'text':
      return String(value);
    case 'int':
      return Math.trunc(Number(value));
    case 'yuan':
      return Number(value) / 100;
    case 'rate':
      return Number(value);
    case 'date': {
      // a business date is a calendar day: midnight UTC is that day's serial number in the workbook
      const day = new Date(`${String(value)}T00:00:00.000Z`);
      return Number.isNaN(day.getTime()) ? String(value) : day;
    }
  }
}

/** One sheet: a bold, frozen header row, a number format and a width per column. */
export async function toXlsx(table: ExportTable, lang: ExportLang): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'Baosong';
  const sheet = workbook.addWorksheet(table.sheet.replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || 'Sheet1', { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({
    key: c.key,
    header: header(c, lang),
    width: c.width ?? Math.max(DEFAULT_WIDTH[c.kind], header(c, lang).length + 4),
    style: NUMBER_FORMAT[c.kind] ? { numFmt: NUMBER_FORMAT[c.kind] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) sheet.addRow(table.columns.map((c) => xlsxValue(c, row[c.key])));
  // XLSX strings are never evaluated: a text cell that looks like a formula stays text, no apostrophe needed
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function renderExport(table: ExportTable, format: ExportFormat, lang: ExportLang): Promise<Buffer> {
  return format === 'csv' ? Promise.resolve(toCsv(table, lang)) : toXlsx(table, lang);
}

/**
 * Content-Disposition of a download: an ASCII `filename` for old clients and `filename*` (RFC 5987/6266) in UTF-8
 * for the name in the requested language.
 */
export function attachmentDisposition(asciiName: string, utf8Name: string = asciiName): string {
  const ascii = asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(utf8Name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
