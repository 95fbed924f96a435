import { Workbook } from 'exceljs';
import { attachmentDisposition, ExportTable, fenToYuanText, toCsv, toXlsx } from './exports';

const table: ExportTable = {
  sheet: '积分榜',
  columns: [
    { key: 'name', zh: '姓名', en: 'Name', kind: 'text' },
    { key: 'points', zh: '积分', en: 'Points', kind: 'int' },
    { key: 'amountFen', zh: '金额（元）', en: 'Amount (yuan)', kind: 'yuan' },
    { key: 'day', zh: '日期', en: 'Date', kind: 'date' },
    { key: 'rate', zh: '采用率', en: 'Adoption rate', kind: 'rate' },
  ],
  rows: [
    { name: '张三', points: 137, amountFen: 30000, day: '2026-02-20', rate: 0.25 },
    { name: 'Li, "Four"\nline two', points: 0, amountFen: -5, day: '2026-02-28', rate: null },
    { name: '=HYPERLINK("http://x")', points: 1, amountFen: 1999, day: '2026-03-01', rate: 1 },
  ],
};

describe('exports', () => {
  describe('as CSV', () => {
    const text = toCsv(table, 'zh').toString('utf8');

    it('starts with the UTF-8 byte order mark so Excel reads Chinese, and ends every line with CRLF', () => {
      expect([...toCsv(table, 'zh').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(text.startsWith('\uFEFF姓名,积分,金额（元）,日期,采用率\r\n')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
    });

    it('writes yuan from fen with two decimals (30000 fen: 300.00; -5 fen: -0.05) and rates as percentages', () => {
      expect(text).toContain('\r\n张三,137,300.00,2026-02-20,25.00%\r\n');
      expect(fenToYuanText(1999)).toBe('19.99');
      expect(fenToYuanText(-12345)).toBe('-123.45');
    });

    it('quotes commas, quotes and newlines as RFC 4180 says, and an empty rate is an empty field', () => {
      expect(text).toContain('\r\n"Li, ""Four""\nline two",0,-0.05,2026-02-28,\r\n');
    });

    it('puts an apostrophe before a text cell a spreadsheet would run as a formula (= + - @), never before a number', () => {
      expect(text).toContain(`\r\n"'=HYPERLINK(""http://x"")",1,19.99,2026-03-01,100.00%\r\n`);
      const cells = ['+1', '-1', '@SUM(A1)', 'a=b'].map((name) => toCsv({ ...table, rows: [{ name, points: -1 }] }, 'en').toString('utf8').split('\r\n')[1]!.split(',')[0]);
      expect(cells).toEqual(["'+1", "'-1", "'@SUM(A1)", 'a=b']);
      expect(toCsv({ ...table, rows: [{ name: 'x', points: -1, amountFen: -100 }] }, 'en').toString('utf8')).toContain('\r\nx,-1,-1.00,,\r\n');
    });

    it('writes the English headers with lang=en', () => {
      expect(toCsv(table, 'en').toString('utf8').split('\r\n')[0]).toBe('\uFEFFName,Points,Amount (yuan),Date,Adoption rate');
    });
  });

  describe('as XLSX', () => {
    async function read(lang: 'zh' | 'en') {
      const workbook = new Workbook();
      // exceljs types its buffer as an ArrayBuffer; a Node Buffer is what it reads
      await workbook.xlsx.load((await toXlsx(table, lang)) as unknown as ArrayBuffer);
      return workbook;
    }

    it('has one sheet with a bold, frozen header row in the requested language', async () => {
      const workbook = await read('zh');
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['积分榜']);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.getRow(1).values).toEqual([undefined, '姓名', '积分', '金额（元）', '日期', '采用率']);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect((await read('en')).worksheets[0]!.getRow(1).getCell(3).value).toBe('Amount (yuan)');
    });

    it('writes yuan as numbers from fen formatted 0.00, rates formatted 0.00%, dates as dates, with column widths', async () => {
      const sheet = (await read('zh')).worksheets[0]!;
      const row = sheet.getRow(2);
      expect(row.getCell(1).value).toBe('张三');
      expect(row.getCell(2).value).toBe(137);
      expect(row.getCell(3).value).toBe(300);
      expect(row.getCell(3).numFmt).toBe('0.00');
      expect(row.getCell(4).value).toEqual(new Date('2026-02-20T00:00:00.000Z'));
      expect(row.getCell(5).value).toBe(0.25);
      expect(row.getCell(5).numFmt).toBe('0.00%');
      expect(sheet.getRow(3).getCell(3).value).toBe(-0.05);
      expect(sheet.getRow(3).getCell(5).value).toBeNull();
      expect(sheet.getColumn(1).width).toBeGreaterThan(0);
      expect(sheet.rowCount).toBe(4);
    });

    it('keeps a formula-looking text as a string cell, never a formula', async () => {
      const cell = (await read('zh')).worksheets[0]!.getRow(4).getCell(1);
      expect(cell.value).toBe('=HYPERLINK("http://x")');
      expect(cell.formula).toBeUndefined();
    });
  });

  it('names the download in ASCII and in UTF-8 (filename*)', () => {
    expect(attachmentDisposition('leaderboard-member-2026-02.xlsx', '积分榜-个人-2026-02.xlsx')).toBe(
      `attachment; filename="leaderboard-member-2026-02.xlsx"; filename*=UTF-8''${encodeURIComponent('积分榜-个人-2026-02.xlsx')}`,
    );
  });
});
