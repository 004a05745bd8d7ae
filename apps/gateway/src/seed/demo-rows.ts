import { FieldType } from '@causeway/catalogue';
import {
  address,
  between,
  dateAfter,
  enterprise,
  GUANGZHOU_DISTRICTS,
  mobile,
  money,
  person,
  personName,
  pick,
  random,
  seedOf,
} from './synthetic.js';

export type DemoValue = string | number | boolean | null;
export type DemoRow = Record<string, DemoValue>;

/**
 * How many enterprises and people the demo city has: rows of other datasets refer to them by
 * index (a penalty names an enterprise of AMR-ENT-REG, an insured person is in PSB-HOUSEHOLD).
 */
export const DEMO_ENTERPRISES = 3000;
export const DEMO_PEOPLE = 3000;

/** Rows each demo dataset gets on first start: enough to be believable, small enough to start fast. */
export const DEMO_ROW_COUNTS: Record<string, number> = {
  'AMR-ENT-REG': DEMO_ENTERPRISES,
  'AMR-PENALTY': 800,
  'AMR-FOOD-LICENSE': 1500,
  'PSB-HOUSEHOLD': DEMO_PEOPLE,
  'PSB-VEHICLE': 2000,
  'PSB-CRIMINAL': 300,
  'HEALTH-BIRTH-CERT': 1200,
  'HEALTH-INSTITUTIONS': 400,
  'HRSS-SOCIAL-INS': DEMO_PEOPLE,
  'HRSS-JOBS': 1500,
  'TRANS-BUS-ROUTES': 600,
  'TRANS-TAXI-DRIVERS': 1500,
  'TAX-CREDIT-A': DEMO_ENTERPRISES,
  'TAX-PAYMENTS': 5000,
  'AMR-SPOT-CHECKS': 900,
};

type Builder = (index: number, rng: () => number) => DemoRow;

const district = (index: number) => GUANGZHOU_DISTRICTS[index % GUANGZHOU_DISTRICTS.length]!;
/** The entity a row refers to: spread over the pool, but the same for the same row. */
const ref = (rng: () => number, pool: number) => Math.floor(rng() * pool);
const seq = (n: number, width: number) => String(n).padStart(width, '0');

const VIOLATIONS = ['未按规定公示年度报告', '销售不符合食品安全标准的食品', '虚假宣传', '无照经营', '销售过期食品', '价格违法行为', '未落实进货查验制度', '计量器具未经检定'];
const PENALTIES = ['警告', '罚款', '没收违法所得并处罚款', '责令停产停业并处罚款', '警告并处罚款'];
const SCOPES = ['预包装食品销售（含冷藏冷冻食品）', '热食类食品制售', '冷食类食品制售', '散装食品销售', '保健食品销售', '特殊医学用途配方食品销售'];
const VEHICLE_TYPES = ['小型轿车', '小型轿车', '小型轿车', '小型普通客车', '轻型厢式货车', '中型普通客车', '重型半挂牵引车', '小型越野客车'];
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const OFFENCES = ['盗窃', '诈骗', '危险驾驶', '故意伤害', '寻衅滋事', '非法经营', '赌博', '交通肇事'];
const HOSPITALS = ['广州市妇女儿童医疗中心', '中山大学附属第一医院', '广东省妇幼保健院', '广州医科大学附属第三医院', '南方医科大学南方医院', '广州市第一人民医院', '广州市番禺区妇幼保健院', '广州市花都区妇幼保健院'];
const INSTITUTION_CLASSES: readonly [string, string, number, number][] = [
  ['综合医院', '医院', 200, 3000],
  ['中医医院', '中医医院', 100, 1500],
  ['社区卫生服务中心', '社区卫生服务中心', 0, 60],
  ['门诊部', '门诊部', 0, 10],
  ['诊所', '诊所', 0, 0],
];
const GRADES = ['三级甲等', '三级乙等', '二级甲等', '二级乙等', '一级', '未定级'];
const INSURANCE_TYPES = ['职工基本养老保险', '职工基本医疗保险', '失业保险', '工伤保险', '城乡居民基本养老保险'];
const INSURANCE_STATUS = ['参保缴费', '参保缴费', '参保缴费', '参保缴费', '暂停缴费', '终止参保'];
const POSITIONS = ['行政文员', '软件工程师', '销售代表', '会计', '仓库管理员', '电工', '厨师', '客服专员', '普工', '护士', '数据分析师', '快递员'];
const EDUCATION = ['不限', '初中及以上', '高中/中专', '大专', '本科', '硕士'];
const STOPS = ['广州火车站', '天河客运站', '番禺广场', '黄埔港', '白云机场', '芳村客运站', '中山大学', '珠江新城', '动物园', '五山', '琶洲', '长隆', '南沙客运港', '花都广场', '增城广场', '从化街口', '市桥', '客村', '体育中心', '越秀公园'];
const BUS_OPERATORS = ['广州市第一公共汽车有限公司', '广州市第二公共汽车有限公司', '广州市第三公共汽车有限公司', '广州市电车有限公司', '广州市番禺公共汽车有限公司'];
const TAXI_COMPANIES = ['广州市白云出租汽车集团有限公司', '广州市新福利巴士服务有限公司', '广州市如约出租汽车有限公司', '广州交通集团出租汽车有限公司', '广州市东骏出租汽车有限公司'];
const DRIVER_STATUS = ['有效', '有效', '有效', '有效', '暂停', '注销'];
const RATINGS = ['A', 'A', 'B', 'B', 'B', 'M', 'C', 'D'];
const TAX_TYPES = ['增值税', '企业所得税', '个人所得税', '城市维护建设税', '印花税', '房产税'];

const BUILDERS: Record<string, Builder> = {
  'AMR-ENT-REG': (i, rng) => {
    const e = enterprise(i);
    const rep = person(ref(rng, DEMO_PEOPLE));
    return {
      creditCode: e.creditCode,
      entName: e.name,
      legalRep: rep.name,
      legalRepIdCard: rep.idCard,
      regCapital: money(rng, 10, 5000),
      estDate: e.estDate,
      entType: e.type,
      regStatus: pick(rng, ['存续', '存续', '存续', '存续', '在业', '吊销', '注销', '迁出']),
      district: e.district.name,
      address: address(rng, e.district),
      contactPhone: rng() < 0.8 ? mobile(rng) : `020-${between(rng, 3000_0000, 8999_9999)}`,
    };
  },
  'AMR-PENALTY': (i, rng) => {
    const e = enterprise(ref(rng, DEMO_ENTERPRISES));
    const year = 2019 + (i % 7);
    return {
      decisionNo: `穗${e.district.name.slice(0, 1)}市监处罚〔${year}〕${Math.floor(i / 7) + 1}号`,
      creditCode: e.creditCode,
      partyName: e.name,
      violation: pick(rng, VIOLATIONS),
      penalty: pick(rng, PENALTIES),
      fineAmount: rng() < 0.15 ? null : money(rng, 500, 200_000),
      decisionDate: dateAfter(`${year}-01-01`, between(rng, 0, 360)),
    };
  },
  'AMR-FOOD-LICENSE': (i, rng) => {
    const e = enterprise(ref(rng, DEMO_ENTERPRISES));
    const d = district(i);
    const body = `JY${1 + (Math.floor(i / 11_000_000) % 3)}${d.code}${seq(Math.floor(i / 11) % 1_000_000, 6)}`;
    return {
      licenceNo: body + ((i * 7) % 10),
      creditCode: e.creditCode,
      operatorName: e.name,
      businessScope: `${pick(rng, SCOPES)}；${pick(rng, SCOPES)}`,
      validUntil: dateAfter('2025-01-01', between(rng, 0, 1800)),
      district: d.name,
    };
  },
  'PSB-HOUSEHOLD': (i) => {
    const p = person(i);
    return { idCard: p.idCard, name: p.name, gender: p.gender, birthDate: p.birthDate, ethnicity: p.ethnicity, address: p.address, district: p.district, phone: p.phone };
  },
  'PSB-VEHICLE': (i, rng) => {
    const owner = person(ref(rng, DEMO_PEOPLE));
    let plate = '';
    let rest = i;
    for (let k = 0; k < 5; k += 1) {
      plate = PLATE_CHARS[rest % PLATE_CHARS.length]! + plate;
      rest = Math.floor(rest / PLATE_CHARS.length);
    }
    return {
      plateNo: `粤A${plate}`,
      vehicleType: pick(rng, VEHICLE_TYPES),
      ownerName: owner.name,
      ownerIdCard: owner.idCard,
      registeredOn: dateAfter('2005-01-01', between(rng, 0, 7300)),
      district: owner.district,
    };
  },
  'PSB-CRIMINAL': (i, rng) => {
    const suspect = person(ref(rng, DEMO_PEOPLE));
    const year = 2015 + (i % 10);
    return {
      caseNo: `A${district(i).code}${year}${seq(Math.floor(i / 10) + 1, 7)}`,
      idCard: suspect.idCard,
      offence: pick(rng, OFFENCES),
      recordedOn: dateAfter(`${year}-01-01`, between(rng, 0, 364)),
    };
  },
  'HEALTH-BIRTH-CERT': (i, rng) => {
    const d = district(i);
    let mother = person(ref(rng, DEMO_PEOPLE));
    for (let k = 1; mother.gender !== '女' && k < 8; k += 1) mother = person(ref(rng, DEMO_PEOPLE));
    const born = dateAfter('2020-01-01', between(rng, 0, 2190));
    return {
      certNo: `${String.fromCharCode(81 + (Math.floor(i / 100_000_000) % 9))}44${seq(i % 100_000_000, 8)}`,
      babyName: mother.name.slice(0, 1) + personName(rng).slice(1),
      gender: rng() < 0.51 ? '男' : '女',
      birthTime: `${born} ${seq(between(rng, 0, 23), 2)}:${seq(between(rng, 0, 59), 2)}:00`,
      hospital: pick(rng, HOSPITALS),
      motherIdCard: mother.idCard,
      district: d.name,
    };
  },
  'HEALTH-INSTITUTIONS': (i, rng) => {
    const d = district(i);
    const [kind, suffix, bedsLow, bedsHigh] = pick(rng, INSTITUTION_CLASSES);
    const name = kind === '综合医院' || kind === '中医医院' ? `广州市${d.name}${pick(rng, ['第一', '第二', '人民', '中心', '新'])}${suffix}` : `广州市${d.name}${pick(rng, ['华康', '仁爱', '博济', '康宁', '惠民', '和平'])}${suffix}`;
    return {
      licenceNo: `PDY${seq(40_000_000 + i, 8)}${d.code}${kind === '诊所' ? 'D' : 'A'}1001`,
      instName: name,
      instClass: kind,
      grade: kind === '综合医院' || kind === '中医医院' ? pick(rng, GRADES.slice(0, 4)) : pick(rng, GRADES.slice(4)),
      beds: between(rng, bedsLow, bedsHigh),
      address: address(rng, d),
      district: d.name,
      validUntil: dateAfter('2025-06-01', between(rng, 0, 1800)),
    };
  },
  'HRSS-SOCIAL-INS': (i, rng) => {
    const p = person(i);
    const employer = enterprise(ref(rng, DEMO_ENTERPRISES));
    return {
      idCard: p.idCard,
      name: p.name,
      employerCreditCode: employer.creditCode,
      insuranceType: pick(rng, INSURANCE_TYPES),
      status: pick(rng, INSURANCE_STATUS),
      monthsPaid: between(rng, 1, 400),
      monthlyBase: money(rng, 4588, 36072),
      district: p.district,
    };
  },
  'HRSS-JOBS': (i, rng) => {
    const employer = enterprise(ref(rng, DEMO_ENTERPRISES));
    const low = between(rng, 4, 15) * 500;
    return {
      postingId: `GZJY${2024 + (i % 3)}${seq(Math.floor(i / 3) + 1, 8)}`,
      employer: employer.name,
      position: pick(rng, POSITIONS),
      salaryMin: low,
      salaryMax: low + between(rng, 1, 10) * 500,
      education: pick(rng, EDUCATION),
      district: employer.district.name,
      postedOn: dateAfter('2024-01-01', between(rng, 0, 700)),
    };
  },
  'TRANS-BUS-ROUTES': (i, rng) => {
    const prefix = ['', 'B', '番', '花', '增', '从', '南沙', '夜'][Math.floor(i / 1000) % 8]!;
    const number = `${prefix}${(i % 1000) + 1}${i >= 8000 ? `-${Math.floor(i / 8000)}` : ''}`;
    const from = pick(rng, STOPS);
    let to = pick(rng, STOPS);
    if (to === from) to = STOPS[(STOPS.indexOf(from) + 1) % STOPS.length]!;
    return {
      routeNo: number,
      routeName: `${number}路`,
      fromStop: from,
      toStop: to,
      firstBus: `0${between(rng, 5, 7)}:${pick(rng, ['00', '15', '30', '45'])}`,
      lastBus: `${between(rng, 20, 23)}:${pick(rng, ['00', '15', '30', '45'])}`,
      fare: pick(rng, ['2.00', '2.00', '2.00', '1.00', '3.00', '5.00']),
      operator: pick(rng, BUS_OPERATORS),
      airConditioned: rng() < 0.9,
    };
  },
  'TRANS-TAXI-DRIVERS': (i, rng) => {
    const driver = person(ref(rng, DEMO_PEOPLE));
    return {
      certNo: `4401${seq(100_000_000 + i, 9)}`,
      driverName: driver.name,
      idCard: driver.idCard,
      company: pick(rng, TAXI_COMPANIES),
      status: pick(rng, DRIVER_STATUS),
    };
  },
  'TAX-CREDIT-A': (i, rng) => {
    const e = enterprise(i);
    return { creditCode: e.creditCode, taxpayerName: e.name, rating: pick(rng, RATINGS), year: 2024 };
  },
  'TAX-PAYMENTS': (i, rng) => {
    const e = enterprise(ref(rng, DEMO_ENTERPRISES));
    const due = Number(money(rng, 100, 500_000));
    return {
      recordId: `SB${2024 + (i % 2)}${seq(Math.floor(i / 2) + 1, 10)}`,
      creditCode: e.creditCode,
      taxType: pick(rng, TAX_TYPES),
      period: `${2024 + (i % 2)}-${seq(between(rng, 1, 12), 2)}`,
      taxDue: due.toFixed(2),
      taxPaid: (rng() < 0.92 ? due : due * rng()).toFixed(2),
      district: e.district.name,
    };
  },
  'AMR-SPOT-CHECKS': (i, rng) => {
    const e = enterprise(ref(rng, DEMO_ENTERPRISES));
    return {
      checkNo: `SJ2025${seq(i + 1, 6)}`,
      creditCode: e.creditCode,
      entName: e.name,
      divisionCode: e.district.code,
      checkDate: dateAfter('2025-01-01', between(rng, 0, 330)),
      result: pick(rng, SPOT_CHECK_RESULTS),
      inspector: personName(rng),
    };
  },
};

const SPOT_CHECK_RESULTS = ['未发现问题', '未发现问题', '未发现问题', '发现问题已责令整改', '未按规定公示年报', '通过登记的住所无法联系'];

export function hasDemoRows(code: string): boolean {
  return code in BUILDERS;
}

/** What the generic generator needs to know of a field. */
export interface GeneratedField {
  name: string;
  type: FieldType;
  isKey: boolean;
  nullable: boolean;
}

/**
 * A value for a field of a dataset the demo does not know, guessed from its name and type; key
 * fields are unique by index (identity numbers and credit codes stay valid).
 */
function genericValue(code: string, field: GeneratedField, index: number, rng: () => number): DemoValue {
  const name = field.name.toLowerCase();
  if (field.nullable && !field.isKey && rng() < 0.03) return null;
  switch (field.type) {
    case FieldType.INTEGER:
      return field.isKey ? index + 1 : between(rng, 0, 5000);
    case FieldType.DECIMAL:
      return money(rng, 0, 100_000);
    case FieldType.BOOLEAN:
      return rng() < 0.5;
    case FieldType.DATE:
      return dateAfter('2000-01-01', field.isKey ? index : between(rng, 0, 9000));
    case FieldType.DATETIME:
      return `${dateAfter('2020-01-01', between(rng, 0, 2000))} ${seq(between(rng, 0, 23), 2)}:${seq(between(rng, 0, 59), 2)}:${seq(between(rng, 0, 59), 2)}`;
    case FieldType.JSON:
      return JSON.stringify({ source: code, n: index });
    default:
      break;
  }
  const who = field.isKey ? index : ref(rng, DEMO_PEOPLE);
  if (name.includes('idcard')) return person(who).idCard;
  if (name.includes('creditcode')) return enterprise(field.isKey ? index : ref(rng, DEMO_ENTERPRISES)).creditCode;
  if (field.isKey) return `${code}-${seq(index + 1, 9)}`;
  if (name.includes('phone')) return mobile(rng);
  if (name.includes('district')) return district(index).name;
  if (name.includes('address')) return address(rng, district(index));
  if (name.endsWith('name') && (name.includes('ent') || name.includes('company') || name.includes('employer'))) return enterprise(ref(rng, DEMO_ENTERPRISES)).name;
  if (name.includes('name') || name.includes('rep')) return personName(rng);
  return `${field.name}-${between(rng, 1, 9999)}`;
}

/** Row number `index` (0-based) of a demo dataset: the same every time. Other datasets need their fields. */
export function demoRow(code: string, index: number, fields?: readonly GeneratedField[]): DemoRow {
  const rng = random(seedOf(code, index));
  const build = BUILDERS[code];
  const row = build ? build(index, rng) : {};
  if (!build && !fields) throw new Error(`No demo rows for ${code}; known: ${Object.keys(BUILDERS).join(', ')}`);
  for (const field of fields ?? []) if (!(field.name in row)) row[field.name] = genericValue(code, field, index, rng);
  return row;
}

/** A CSV field, quoted when it must be (RFC 4180). */
export function csvField(value: DemoValue): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A demo dataset as CSV text, in pieces of about `chunkRows` rows: header (the given column
 * names), then rows `start` … `start + count - 1`. A generator, so 12 million rows never sit in memory.
 */
export function* demoCsv(
  code: string,
  columns: readonly string[],
  count: number,
  options: { start?: number; chunkRows?: number; header?: readonly string[]; fields?: readonly GeneratedField[] } = {},
): Generator<string> {
  const start = options.start ?? 0;
  const chunkRows = options.chunkRows ?? 2000;
  let chunk = `${(options.header ?? columns).map(csvField).join(',')}\n`;
  for (let index = start; index < start + count; index += 1) {
    const row = demoRow(code, index, options.fields);
    chunk += `${columns.map((column) => csvField(row[column] ?? null)).join(',')}\n`;
    if ((index - start + 1) % chunkRows === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
