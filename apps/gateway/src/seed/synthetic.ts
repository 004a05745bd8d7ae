/**
 * Synthetic but well-formed Chinese identifiers and values. Pure functions: the same index always
 * gives the same value, so datasets generated separately still refer to one another.
 */

/** Deterministic pseudo-random numbers (mulberry32) from a 32-bit seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of text and a number (FNV-1a), to seed per-row generators. */
export function seedOf(text: string, index: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (index & 0xffff), 0x01000193);
  hash = Math.imul(hash ^ (index >>> 16), 0x01000193);
  return hash >>> 0;
}

export const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
export const between = (rng: () => number, low: number, high: number): number => low + Math.floor(rng() * (high - low + 1));

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character of a citizen identity number (公民身份号码) from its first 17 digits. */
export function idCardCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function isValidIdCard(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCardCheck(id.slice(0, 17)) === id[17];
}

/** The 31 characters of a unified social credit code (GB 32100: no I, O, S, V, Z). */
export const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of a 统一社会信用代码 from its first 17 characters. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  return creditCodeCheck(code.slice(0, 17)) === code[17] && organizationCodeCheck(code.slice(8, 16)) === code[16];
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character of an organisation code (characters 9–17 of a credit code). */
export function organizationCodeCheck(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const char = first8[i]!;
    const value = /\d/.test(char) ? Number(char) : char.charCodeAt(0) - 55;
    sum += value * ORG_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** The districts of 广州市 with their division codes (行政区划代码). */
export const GUANGZHOU_DISTRICTS: readonly { name: string; code: string; streets: readonly string[] }[] = [
  { name: '荔湾区', code: '440103', streets: ['中山七路', '康王中路', '芳村大道东', '龙津西路', '花地大道中'] },
  { name: '越秀区', code: '440104', streets: ['北京路', '东风中路', '环市东路', '解放北路', '中山五路'] },
  { name: '海珠区', code: '440105', streets: ['江南大道中', '新港中路', '工业大道北', '昌岗中路', '广州大道南'] },
  { name: '天河区', code: '440106', streets: ['天河路', '体育西路', '黄埔大道西', '珠江西路', '中山大道西'] },
  { name: '白云区', code: '440111', streets: ['白云大道北', '机场路', '广园中路', '同和路', '石井大道'] },
  { name: '黄埔区', code: '440112', streets: ['科学大道', '开创大道', '黄埔东路', '香雪大道', '开泰大道'] },
  { name: '番禺区', code: '440113', streets: ['市桥街繁华路', '迎宾路', '番禺大道北', '汉溪大道东', '亚运大道'] },
  { name: '花都区', code: '440114', streets: ['迎宾大道', '新华路', '公益大道', '凤凰北路', '天贵路'] },
  { name: '南沙区', code: '440115', streets: ['进港大道', '凤凰大道', '港前大道', '环市大道中', '黄阁大道'] },
  { name: '从化区', code: '440117', streets: ['河滨北路', '新城西路', '街口大道', '广从南路', '温泉大道'] },
  { name: '增城区', code: '440118', streets: ['荔城大道', '增城大道', '府佑路', '新塘镇港口大道', '挂绿路'] },
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国志强文斌浩然子涵雨欣梓轩思远嘉怡俊杰晓东海燕国华家豪卓颖婉婷振宇泽楷锦荣永健佩珊咏诗';

/** A believable Chinese personal name. */
export function personName(rng: () => number): string {
  const surname = SURNAMES[Math.floor(rng() * SURNAMES.length)]!;
  const length = rng() < 0.7 ? 2 : 1;
  let given = '';
  for (let i = 0; i < length; i += 1) given += GIVEN[Math.floor(rng() * GIVEN.length)]!;
  return surname + given;
}

const DAY = 86_400_000;
const BIRTH_EPOCH = Date.UTC(1950, 0, 1);
export const BIRTH_DAYS = 20_000;

export interface Person {
  idCard: string;
  name: string;
  gender: '男' | '女';
  birthDate: string;
  district: string;
  address: string;
  phone: string;
  ethnicity: string;
}

const ETHNICITIES = ['汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '壮族', '回族', '满族', '瑶族', '畲族', '土家族', '苗族'];

/**
 * Person number `index`: the identity number is unique for index < 99,000,000 (district × birth
 * day × sequence), so a person can be referred to by index across datasets.
 */
export function person(index: number): Person {
  const rng = random(seedOf('person', index));
  const district = GUANGZHOU_DISTRICTS[index % GUANGZHOU_DISTRICTS.length]!;
  const unit = Math.floor(index / GUANGZHOU_DISTRICTS.length);
  const day = unit % BIRTH_DAYS;
  const round = Math.floor(unit / BIRTH_DAYS);
  const odd = rng() < 0.5 ? 1 : 0;
  // Sequence 100–999; its parity is the gender (odd: male).
  const sequence = 100 + ((round * 2 + odd) % 900);
  const birth = new Date(BIRTH_EPOCH + day * DAY).toISOString().slice(0, 10);
  const first17 = `${district.code}${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return {
    idCard: first17 + idCardCheck(first17),
    name: personName(rng),
    gender: sequence % 2 === 1 ? '男' : '女',
    birthDate: birth,
    district: district.name,
    address: address(rng, district),
    phone: mobile(rng),
    ethnicity: pick(rng, ETHNICITIES),
  };
}

export function address(rng: () => number, district: (typeof GUANGZHOU_DISTRICTS)[number]): string {
  const street = pick(rng, district.streets);
  const building = rng() < 0.5 ? `${between(rng, 1, 30)}栋${between(rng, 1, 32)}0${between(rng, 1, 8)}房` : `${between(rng, 1, 3)}层`;
  return `广州市${district.name}${street}${between(rng, 1, 999)}号${building}`;
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '158', '159', '176', '177', '180', '181', '186', '187', '188', '189', '198', '199'];

export function mobile(rng: () => number): string {
  return pick(rng, MOBILE_PREFIXES) + String(between(rng, 0, 99_999_999)).padStart(8, '0');
}

const TRADE_NAMES = '华润信达恒通宏远瑞丰鸿运嘉禾粤海南方天骄新科盛世金穗汇智博雅创新优品聚源泰和永兴广信星河云帆立德丰泽安泰晨光';
const INDUSTRIES = ['科技', '贸易', '餐饮管理', '建筑工程', '电子商务', '物流', '信息技术', '文化传媒', '医疗器械', '食品', '服装', '装饰工程', '教育咨询', '汽车服务', '生物科技'];
const FORMS = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司'];
export const ENTERPRISE_TYPES = ['有限责任公司（自然人投资或控股）', '有限责任公司（法人独资）', '股份有限公司（非上市）', '个人独资企业', '有限责任公司（外商投资）'];

export interface Enterprise {
  creditCode: string;
  name: string;
  district: (typeof GUANGZHOU_DISTRICTS)[number];
  estDate: string;
  type: string;
}

/**
 * Enterprise number `index`. Its credit code is 9 (market regulation) + 1 (enterprise) + the
 * district's division code + an organisation code "MA" + six characters from the index (unique for
 * index < 887 million) + its GB 11714 check + the GB 32100 check.
 */
export function enterprise(index: number): Enterprise {
  const rng = random(seedOf('enterprise', index));
  const district = GUANGZHOU_DISTRICTS[index % GUANGZHOU_DISTRICTS.length]!;
  let body = '';
  let rest = index;
  for (let i = 0; i < 6; i += 1) {
    body = CREDIT_CHARS[rest % 31]! + body;
    rest = Math.floor(rest / 31);
  }
  const organization = `MA${body}`;
  const first17 = `91${district.code}${organization}${organizationCodeCheck(organization)}`;
  const trade = pick(rng, [...TRADE_NAMES]) + pick(rng, [...TRADE_NAMES]);
  const name = `广州${pick(rng, ['', '市'])}${trade}${pick(rng, INDUSTRIES)}${pick(rng, FORMS)}`;
  const est = new Date(Date.UTC(1995, 0, 1) + between(rng, 0, 11_000) * DAY).toISOString().slice(0, 10);
  return { creditCode: first17 + creditCodeCheck(first17), name, district, estDate: est, type: pick(rng, ENTERPRISE_TYPES) };
}

/** A date `days` after `from` (ISO). */
export function dateAfter(from: string, days: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Money with two decimals, as text. */
export function money(rng: () => number, low: number, high: number): string {
  return (low + rng() * (high - low)).toFixed(2);
}
