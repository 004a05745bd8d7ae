import { FieldType as T, MaskType as M, OpenType, Sensitivity as S, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';

/** A believable municipal setting: one city, its data bureau, six line departments and three district offices. */
export const DEMO_CITY = { name: '广州市', division: '440100' };

export const DEMO_PASSWORD = 'causeway-demo-2026';

export interface DemoDepartment {
  code: string;
  name: string;
  nameEn: string;
  parentCode?: string;
  divisionCode: string;
  /** Short name used in demo e-mails and client names. */
  slug: string;
}

export const DEMO_DEPARTMENTS: DemoDepartment[] = [
  { code: 'GZ-GOV', name: '广州市人民政府', nameEn: 'Guangzhou Municipal Government', divisionCode: '440100', slug: 'gov' },
  { code: 'GZ-DATA', name: '广州市政务服务和数据管理局', nameEn: 'Guangzhou Government Services and Data Administration', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'data' },
  { code: 'DG-AMR', name: '广州市市场监督管理局', nameEn: 'Guangzhou Administration for Market Regulation', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'amr' },
  { code: 'DG-PSB', name: '广州市公安局', nameEn: 'Guangzhou Public Security Bureau', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'psb' },
  { code: 'DG-HEALTH', name: '广州市卫生健康委员会', nameEn: 'Guangzhou Health Commission', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'health' },
  { code: 'DG-HRSS', name: '广州市人力资源和社会保障局', nameEn: 'Guangzhou Human Resources and Social Security Bureau', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'hrss' },
  { code: 'DG-TRANSPORT', name: '广州市交通运输局', nameEn: 'Guangzhou Transport Bureau', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'transport' },
  { code: 'DG-TAX', name: '国家税务总局广州市税务局', nameEn: 'Guangzhou Municipal Tax Service, STA', parentCode: 'GZ-GOV', divisionCode: '440100', slug: 'tax' },
  { code: 'TH-AMR', name: '广州市天河区市场监督管理局', nameEn: 'Tianhe District Administration for Market Regulation', parentCode: 'DG-AMR', divisionCode: '440106', slug: 'tianhe-amr' },
  { code: 'YX-AMR', name: '广州市越秀区市场监督管理局', nameEn: 'Yuexiu District Administration for Market Regulation', parentCode: 'DG-AMR', divisionCode: '440104', slug: 'yuexiu-amr' },
  { code: 'HZ-AMR', name: '广州市海珠区市场监督管理局', nameEn: 'Haizhu District Administration for Market Regulation', parentCode: 'DG-AMR', divisionCode: '440105', slug: 'haizhu-amr' },
];

export interface DemoPerson {
  department: string;
  email: string;
  displayName: string;
  roles: Role[];
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { department: 'GZ-DATA', email: 'admin@causeway.demo', displayName: '平台管理员', roles: [Role.ADMIN] },
  { department: 'GZ-DATA', email: 'auditor@causeway.demo', displayName: '市级审计员 陈静', roles: [Role.AUDITOR] },
  ...DEMO_DEPARTMENTS.filter((department) => department.code !== 'GZ-GOV' && department.code !== 'GZ-DATA').flatMap((department) => [
    { department: department.code, email: `steward.${department.slug}@causeway.demo`, displayName: `${department.name} 数据管理员`, roles: [Role.STEWARD] },
    { department: department.code, email: `auditor.${department.slug}@causeway.demo`, displayName: `${department.name} 审计员`, roles: [Role.AUDITOR] },
  ]),
];

export interface DemoClient {
  department: string;
  name: string;
  roles: Role[];
}

export const DEMO_CLIENTS: DemoClient[] = [
  ...DEMO_DEPARTMENTS.filter((department) => department.code !== 'GZ-GOV' && department.code !== 'GZ-DATA').map((department) => ({
    department: department.code,
    name: `${department.slug}-system`,
    roles: [Role.CONSUMER],
  })),
  { department: 'DG-AMR', name: 'amr-loader', roles: [Role.STEWARD] },
];

type DemoDataset = RegisterDatasetInput & { provider: string };

const UNCONDITIONAL_BASIS = '《政务信息资源共享管理暂行办法》（国发〔2016〕51号）';

export const DEMO_DATASETS: DemoDataset[] = [
  {
    provider: 'DG-AMR', code: 'AMR-ENT-REG', apiName: 'enterpriseRegistry', title: '企业登记信息', titleEn: 'Enterprise Registration',
    summary: '全市各类市场主体的登记注册信息，包括统一社会信用代码、企业名称、法定代表人、注册资本、成立日期、登记状态和住所。',
    category: '基础', theme: '法人', keywords: ['企业', '市场主体', '工商登记', 'enterprise', 'registration'], format: '数据库',
    updateCycle: UpdateCycle.DAILY, sharingType: SharingType.UNCONDITIONAL, sharingBasis: UNCONDITIONAL_BASIS,
    openType: OpenType.OPEN, license: 'CC-BY-4.0', spatialCoverage: '广州市',
    fields: [
      { name: 'creditCode', title: '统一社会信用代码', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'entName', title: '企业名称', type: T.STRING, nullable: false, sensitivity: S.PUBLIC },
      { name: 'legalRep', title: '法定代表人', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'legalRepIdCard', title: '法定代表人身份证号', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'regCapital', title: '注册资本', type: T.DECIMAL, unit: '万元', sensitivity: S.PUBLIC },
      { name: 'estDate', title: '成立日期', type: T.DATE, sensitivity: S.PUBLIC },
      { name: 'entType', title: '企业类型', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'regStatus', title: '登记状态', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'address', title: '住所', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'contactPhone', title: '联系电话', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.PHONE },
    ],
  },
  {
    provider: 'DG-AMR', code: 'AMR-PENALTY', apiName: 'administrativePenalties', title: '行政处罚信息', titleEn: 'Administrative Penalties',
    summary: '市场监管部门作出的行政处罚决定：处罚决定书文号、当事人、违法行为类型、处罚内容和决定日期。',
    category: '主题', theme: '信用', keywords: ['行政处罚', '信用', 'penalty'], updateCycle: UpdateCycle.WEEKLY,
    sharingType: SharingType.UNCONDITIONAL, sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.OPEN, license: 'CC-BY-4.0',
    fields: [
      { name: 'decisionNo', title: '处罚决定书文号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'creditCode', title: '统一社会信用代码', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'partyName', title: '当事人名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'violation', title: '违法行为类型', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'penalty', title: '处罚内容', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'fineAmount', title: '罚没款金额', type: T.DECIMAL, unit: '元', sensitivity: S.PUBLIC },
      { name: 'decisionDate', title: '处罚决定日期', type: T.DATE, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-AMR', code: 'AMR-FOOD-LICENSE', apiName: 'foodBusinessLicences', title: '食品经营许可证信息', titleEn: 'Food Business Licences',
    summary: '食品经营许可证的发证、变更和注销信息。', category: '部门', theme: '电子证照', keywords: ['食品', '许可证', '证照'],
    updateCycle: UpdateCycle.DAILY, sharingType: SharingType.UNCONDITIONAL, sharingBasis: UNCONDITIONAL_BASIS,
    openType: OpenType.CONDITIONAL, openCondition: '仅向经实名认证的社会用户开放，用于核验许可证真伪',
    fields: [
      { name: 'licenceNo', title: '许可证编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'creditCode', title: '统一社会信用代码', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'operatorName', title: '经营者名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'businessScope', title: '经营项目', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'validUntil', title: '有效期至', type: T.DATE, sensitivity: S.PUBLIC },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-PSB', code: 'PSB-HOUSEHOLD', apiName: 'householdRegistration', title: '户籍人口基本信息', titleEn: 'Household Registration',
    summary: '本市户籍人口的基本信息：公民身份号码、姓名、性别、出生日期、民族、户籍地址和所属区。',
    category: '基础', theme: '人口', keywords: ['人口', '户籍', '身份证', 'population'], updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.CONDITIONAL, sharingCondition: '用于依法履职的身份核验，须说明具体事项并经公安机关审核',
    sharingBasis: '《中华人民共和国居民身份证法》；《广东省政务数据资源共享管理办法》', openType: OpenType.CLOSED,
    fields: [
      { name: 'idCard', title: '公民身份号码', type: T.STRING, isKey: true, nullable: false, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'name', title: '姓名', type: T.STRING, nullable: false, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'gender', title: '性别', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'birthDate', title: '出生日期', type: T.DATE, sensitivity: S.SENSITIVE, mask: M.YEAR_ONLY },
      { name: 'ethnicity', title: '民族', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'address', title: '户籍地址', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.ADDRESS },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'phone', title: '联系电话', type: T.STRING, sensitivity: S.SECRET, sharingType: SharingType.NONE },
    ],
  },
  {
    provider: 'DG-PSB', code: 'PSB-VEHICLE', apiName: 'vehicleRegistrations', title: '机动车登记信息', titleEn: 'Motor Vehicle Registrations',
    summary: '机动车号牌号码、车辆类型、所有人和登记日期。', category: '部门', theme: '交通', keywords: ['机动车', '车辆', '号牌'],
    updateCycle: UpdateCycle.DAILY, sharingType: SharingType.CONDITIONAL, sharingCondition: '用于交通运输、税务等部门依法核验车辆信息',
    sharingBasis: '《机动车登记规定》', openType: OpenType.CLOSED,
    fields: [
      { name: 'plateNo', title: '号牌号码', type: T.STRING, isKey: true, nullable: false, sensitivity: S.INTERNAL },
      { name: 'vehicleType', title: '车辆类型', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'ownerName', title: '所有人', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'ownerIdCard', title: '所有人身份证号', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'registeredOn', title: '初次登记日期', type: T.DATE, sensitivity: S.INTERNAL },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.INTERNAL },
    ],
  },
  {
    provider: 'DG-PSB', code: 'PSB-CRIMINAL', apiName: 'criminalRecords', title: '违法犯罪记录', titleEn: 'Criminal Records',
    summary: '违法犯罪人员记录，仅限公安机关内部使用。', category: '部门', theme: '公共安全', keywords: ['违法犯罪', '公安'],
    updateCycle: UpdateCycle.REALTIME, sharingType: SharingType.NONE, sharingBasis: '《中华人民共和国刑事诉讼法》；《公安机关办理刑事案件程序规定》',
    openType: OpenType.CLOSED,
    fields: [
      { name: 'caseNo', title: '案件编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.SECRET },
      { name: 'idCard', title: '公民身份号码', type: T.STRING, sensitivity: S.SECRET },
      { name: 'offence', title: '违法犯罪类型', type: T.STRING, sensitivity: S.SECRET },
      { name: 'recordedOn', title: '记录日期', type: T.DATE, sensitivity: S.SECRET },
    ],
  },
  {
    provider: 'DG-HEALTH', code: 'HEALTH-BIRTH-CERT', apiName: 'birthCertificates', title: '出生医学证明信息', titleEn: 'Birth Medical Certificates',
    summary: '新生儿出生医学证明：证明编号、新生儿姓名、性别、出生日期、出生地点和母亲身份证号。', category: '主题', theme: '电子证照',
    keywords: ['出生', '新生儿', '出生证'], updateCycle: UpdateCycle.DAILY, sharingType: SharingType.CONDITIONAL,
    sharingCondition: '用于户籍登记、社保参保和医保办理', sharingBasis: '《中华人民共和国母婴保健法》', openType: OpenType.CLOSED,
    fields: [
      { name: 'certNo', title: '出生医学证明编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.INTERNAL },
      { name: 'babyName', title: '新生儿姓名', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'gender', title: '性别', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'birthTime', title: '出生时间', type: T.DATETIME, sensitivity: S.SENSITIVE, mask: M.YEAR_ONLY },
      { name: 'hospital', title: '出生地点（医疗机构）', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'motherIdCard', title: '母亲身份证号', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.INTERNAL },
    ],
  },
  {
    provider: 'DG-HEALTH', code: 'HEALTH-INSTITUTIONS', apiName: 'medicalInstitutions', title: '医疗机构执业信息', titleEn: 'Licensed Medical Institutions',
    summary: '医疗机构名称、类别、等级、地址、床位数和执业许可证有效期。', category: '部门', theme: '卫生健康',
    keywords: ['医院', '医疗机构', 'hospital'], updateCycle: UpdateCycle.MONTHLY, sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.OPEN, license: 'CC-BY-4.0',
    fields: [
      { name: 'licenceNo', title: '执业许可证登记号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'instName', title: '机构名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'instClass', title: '机构类别', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'grade', title: '医院等级', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'beds', title: '核定床位数', type: T.INTEGER, unit: '张', sensitivity: S.PUBLIC },
      { name: 'address', title: '地址', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'district', title: '所属区', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'validUntil', title: '有效期至', type: T.DATE, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-HRSS', code: 'HRSS-SOCIAL-INS', apiName: 'socialInsurance', title: '社会保险参保信息', titleEn: 'Social Insurance Enrolment',
    summary: '个人社会保险参保登记：身份证号、姓名、参保单位、险种、参保状态和缴费月数。', category: '基础', theme: '社会保障',
    keywords: ['社保', '参保', '养老保险'], updateCycle: UpdateCycle.MONTHLY, sharingType: SharingType.CONDITIONAL,
    sharingCondition: '用于人才引进、积分入户、住房保障等事项的参保核验', sharingBasis: '《中华人民共和国社会保险法》', openType: OpenType.CLOSED,
    fields: [
      { name: 'idCard', title: '公民身份号码', type: T.STRING, isKey: true, nullable: false, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'name', title: '姓名', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'employerCreditCode', title: '参保单位统一社会信用代码', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'insuranceType', title: '险种', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'status', title: '参保状态', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'monthsPaid', title: '累计缴费月数', type: T.INTEGER, unit: '月', sensitivity: S.INTERNAL },
      { name: 'monthlyBase', title: '缴费基数', type: T.DECIMAL, unit: '元', sensitivity: S.SENSITIVE, mask: M.REDACT },
      { name: 'district', title: '参保地所属区', type: T.STRING, sensitivity: S.INTERNAL },
    ],
  },
  {
    provider: 'DG-HRSS', code: 'HRSS-JOBS', apiName: 'jobPostings', title: '招聘岗位信息', titleEn: 'Job Postings',
    summary: '公共就业服务机构发布的招聘岗位：用人单位、岗位名称、薪酬范围、学历要求和工作地点。', category: '主题', theme: '就业',
    keywords: ['招聘', '就业', '岗位', 'jobs'], updateCycle: UpdateCycle.DAILY, sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.OPEN, license: 'CC-BY-4.0',
    fields: [
      { name: 'postingId', title: '岗位编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'employer', title: '用人单位', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'position', title: '岗位名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'salaryMin', title: '最低月薪', type: T.INTEGER, unit: '元', sensitivity: S.PUBLIC },
      { name: 'salaryMax', title: '最高月薪', type: T.INTEGER, unit: '元', sensitivity: S.PUBLIC },
      { name: 'education', title: '学历要求', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'district', title: '工作地点', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'postedOn', title: '发布日期', type: T.DATE, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-TRANSPORT', code: 'TRANS-BUS-ROUTES', apiName: 'busRoutes', title: '公交线路信息', titleEn: 'Bus Routes',
    summary: '公交线路编号、名称、起讫站点、首末班时间、票价和运营企业。', category: '部门', theme: '交通',
    keywords: ['公交', '线路', 'bus'], updateCycle: UpdateCycle.MONTHLY, sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.OPEN, license: 'CC-BY-4.0',
    fields: [
      { name: 'routeNo', title: '线路编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'routeName', title: '线路名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'fromStop', title: '起点站', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'toStop', title: '终点站', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'firstBus', title: '首班时间', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'lastBus', title: '末班时间', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'fare', title: '票价', type: T.DECIMAL, unit: '元', sensitivity: S.PUBLIC },
      { name: 'operator', title: '运营企业', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'airConditioned', title: '是否空调车', type: T.BOOLEAN, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-TRANSPORT', code: 'TRANS-TAXI-DRIVERS', apiName: 'taxiDrivers', title: '出租汽车驾驶员从业资格信息', titleEn: 'Taxi Driver Qualifications',
    summary: '出租汽车驾驶员从业资格证号、姓名、服务单位和资格状态。', category: '部门', theme: '交通',
    keywords: ['出租车', '驾驶员', '从业资格'], updateCycle: UpdateCycle.WEEKLY, sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.CONDITIONAL, openCondition: '仅供乘客核验驾驶员资格',
    fields: [
      { name: 'certNo', title: '从业资格证号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'driverName', title: '姓名', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
      { name: 'idCard', title: '身份证号', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.ID_CARD },
      { name: 'company', title: '服务单位', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'status', title: '资格状态', type: T.STRING, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-TAX', code: 'TAX-CREDIT-A', apiName: 'taxCreditRatings', title: '纳税信用等级评价结果', titleEn: 'Tax Credit Ratings',
    summary: '纳税人纳税信用等级评价结果（A、B、M、C、D 级）及评价年度。', category: '主题', theme: '信用',
    keywords: ['纳税信用', '信用等级', 'tax credit'], updateCycle: UpdateCycle.YEARLY, sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: UNCONDITIONAL_BASIS, openType: OpenType.OPEN, license: 'CC-BY-4.0',
    fields: [
      { name: 'creditCode', title: '纳税人识别号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.PUBLIC },
      { name: 'taxpayerName', title: '纳税人名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'rating', title: '信用等级', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'year', title: '评价年度', type: T.INTEGER, sensitivity: S.PUBLIC },
    ],
  },
  {
    provider: 'DG-TAX', code: 'TAX-PAYMENTS', apiName: 'taxPayments', title: '企业纳税信息', titleEn: 'Enterprise Tax Payments',
    summary: '企业按月申报缴纳的税款：统一社会信用代码、税种、所属期、应纳税额和实缴税额。', category: '部门', theme: '法人',
    keywords: ['纳税', '税款', '申报'], updateCycle: UpdateCycle.MONTHLY, sharingType: SharingType.CONDITIONAL,
    sharingCondition: '用于政府补贴审核、信用评价等事项，须经税务部门审核', sharingBasis: '《中华人民共和国税收征收管理法》第八条',
    openType: OpenType.CLOSED,
    fields: [
      { name: 'recordId', title: '记录编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.INTERNAL },
      { name: 'creditCode', title: '统一社会信用代码', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'taxType', title: '税种', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'period', title: '所属期', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'taxDue', title: '应纳税额', type: T.DECIMAL, unit: '元', sensitivity: S.SENSITIVE, mask: M.REDACT },
      { name: 'taxPaid', title: '实缴税额', type: T.DECIMAL, unit: '元', sensitivity: S.SENSITIVE, mask: M.REDACT },
      { name: 'district', title: '主管税务机关所属区', type: T.STRING, sensitivity: S.INTERNAL },
    ],
  },
  {
    provider: 'DG-AMR', code: 'AMR-SPOT-CHECKS', apiName: 'marketSpotChecks', title: '双随机抽查结果', titleEn: 'Random Spot Checks of Market Entities',
    summary: '市场监管部门“双随机、一公开”抽查的结果，按企业所属区划代码记录；市局通过数据回流将各区企业的抽查结果返还区局。',
    category: '部门', theme: '市场监管', keywords: ['抽查', '双随机', '数据回流'], updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.CONDITIONAL, sharingCondition: '用于市场监管部门依法履职', sharingBasis: '《市场监督管理行政处罚程序规定》；《政务数据共享条例》（2025）',
    openType: OpenType.CLOSED,
    fields: [
      { name: 'checkNo', title: '抽查编号', type: T.STRING, isKey: true, nullable: false, sensitivity: S.INTERNAL },
      { name: 'creditCode', title: '统一社会信用代码', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'entName', title: '企业名称', type: T.STRING, sensitivity: S.PUBLIC },
      { name: 'divisionCode', title: '所属区划代码', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'checkDate', title: '抽查日期', type: T.DATE, sensitivity: S.INTERNAL },
      { name: 'result', title: '抽查结果', type: T.STRING, sensitivity: S.INTERNAL },
      { name: 'inspector', title: '检查人员', type: T.STRING, sensitivity: S.SENSITIVE, mask: M.NAME },
    ],
  },
];

/** The demo's return flow (数据回流): the city's AMR returns each district office its own district's spot checks. */
export const DEMO_RETURN_FLOW = {
  provider: 'DG-AMR',
  dataset: 'AMR-SPOT-CHECKS',
  fields: ['checkNo', 'creditCode', 'entName', 'divisionCode', 'checkDate', 'result', 'inspector'],
  masked: ['inspector'],
  divisionField: 'divisionCode',
  consumersUnder: 'DG-AMR',
  purpose: '各区市场监管局对辖区企业开展后续监管',
  legalBasis: '《政务数据共享条例》（2025）',
};

export interface DemoDemand {
  requester: string;
  title: string;
  description: string;
  fields: string[];
  purpose: string;
  legalBasis?: string;
  suggestedProvider?: string;
  /** Where the demo leaves it: not yet assigned, assigned, or answered (PLAN in ~60 days, LINK a dataset, DECLINE). */
  assignTo?: string;
  answer?: { outcome: 'PLAN' } | { outcome: 'LINK'; dataset: string } | { outcome: 'DECLINE'; reason: string };
}

/** A few demands (需求清单) in different states, so that a newcomer sees the workflow. */
export const DEMO_DEMANDS: DemoDemand[] = [
  {
    requester: 'DG-TAX',
    title: '不动产登记信息',
    description: '个人和企业名下不动产的登记信息（权利人、坐落、面积、登记日期），用于房产交易税费核定。',
    fields: ['权利人证件号码', '不动产坐落', '建筑面积', '登记日期'],
    purpose: '存量房交易计税价格核定',
    legalBasis: '《中华人民共和国税收征收管理法》',
  },
  {
    requester: 'DG-HRSS',
    title: '企业变更登记信息',
    description: '企业名称、法定代表人和住所的变更记录，用于同步社会保险参保单位信息。',
    fields: ['统一社会信用代码', '变更事项', '变更前内容', '变更后内容', '变更日期'],
    purpose: '参保单位信息变更同步',
    suggestedProvider: 'DG-AMR',
    assignTo: 'DG-AMR',
  },
  {
    requester: 'DG-HEALTH',
    title: '新生儿户籍登记信息',
    description: '新生儿落户登记的姓名、身份证号、出生日期和登记派出所，用于出生医学证明与户籍的核对。',
    fields: ['姓名', '公民身份号码', '出生日期', '登记机关'],
    purpose: '出生一件事联办',
    suggestedProvider: 'DG-PSB',
    assignTo: 'DG-PSB',
    answer: { outcome: 'PLAN' },
  },
  {
    requester: 'DG-TAX',
    title: '企业登记基本信息',
    description: '企业的统一社会信用代码、名称、法定代表人和登记状态，用于新办纳税人信息确认。',
    fields: ['creditCode', 'entName', 'legalRep', 'regStatus'],
    purpose: '新办纳税人套餐式服务',
    legalBasis: '《中华人民共和国税收征收管理法》',
    suggestedProvider: 'DG-AMR',
    assignTo: 'DG-AMR',
    answer: { outcome: 'LINK', dataset: 'AMR-ENT-REG' },
  },
  {
    requester: 'DG-TRANSPORT',
    title: '驾驶员违法犯罪记录明细',
    description: '网约车驾驶员的全部违法犯罪记录明细。',
    fields: ['公民身份号码', '案由', '判决日期'],
    purpose: '网约车驾驶员背景核查',
    suggestedProvider: 'DG-PSB',
    assignTo: 'DG-PSB',
    answer: { outcome: 'DECLINE', reason: '明细不予共享；背景核查请使用“违法犯罪记录”数据集的核查结果（有无记录），按有条件共享申请。' },
  },
];

export interface DemoObjection {
  /** The objecting department, or PUBLIC (an OPEN dataset, with a contact). */
  objector: string;
  dataset: string;
  /** Which of the dataset's first rows (in file order) the objection names. */
  row: number;
  fields: string[];
  evidence: string;
  contact?: string;
  /** Where the demo leaves it: open, confirmed (corrected in the next version, not yet published) or rejected. */
  answer?: { outcome: 'CONFIRM'; note: string } | { outcome: 'REJECT'; reason: string };
}

/** A few objections (校核纠错) in different states, so that a newcomer sees disputed records. */
export const DEMO_OBJECTIONS: DemoObjection[] = [
  {
    objector: 'DG-TAX',
    dataset: 'AMR-ENT-REG',
    row: 0,
    fields: ['regStatus'],
    evidence: '该企业已于本年度办理注销登记（注销通知书见税务注销档案），登记状态仍显示为存续。',
  },
  {
    objector: 'DG-HRSS',
    dataset: 'AMR-ENT-REG',
    row: 1,
    fields: ['entName'],
    evidence: '企业名称与参保登记时提交的营业执照不一致，疑似未同步名称变更。',
    answer: { outcome: 'CONFIRM', note: '已核实：名称变更未同步，将在下一版本更正。' },
  },
  {
    objector: 'DG-TAX',
    dataset: 'AMR-PENALTY',
    row: 0,
    fields: ['fineAmount'],
    evidence: '罚没款金额与入库凭证金额不符。',
    answer: { outcome: 'REJECT', reason: '经核对处罚决定书原件，金额无误；入库凭证含滞纳金。' },
  },
  {
    objector: 'PUBLIC',
    dataset: 'HEALTH-INSTITUTIONS',
    row: 0,
    fields: ['address'],
    evidence: '该医院已搬迁至新院区，开放数据中的地址仍为旧址。',
    contact: 'citizen@example.cn',
  },
];
