import * as msg from '../messages/uscc'

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters — registration
 * authority (登记管理部门, 1), organisation type (机构类别, 1), the registering authority's
 * administrative division code (6 digits, GB/T 2260), the organisation's identification code (9)
 * and a check character computed from the first 17.
 *
 * govnet accepts input with spaces, hyphens and in lower case, as python-stdnum's cn.uscc does, and
 * stores the canonical form (upper case, separators removed): the alphabet has no letter that
 * differs from another only by case, so upper-casing never changes which code is meant.
 *
 * Where govnet and python-stdnum (stdnum.cn.uscc) disagree, on purpose (test/unit/uscc-stdnum.test.ts
 * checks that these are the only differences):
 *   stricter  character 1 must be a registration authority and character 2 a type of that authority
 *             (stdnum takes any digit); characters 3–4 must be a province of GB/T 2260, or 3–8 the
 *             national code 100000 (stdnum takes any digits).
 *   looser    authorities A (军队), N (农业) and Y (其他) are letters, and stdnum refuses any letter in
 *             characters 1–8: it rejects real codes such as those of rural collectives (N…) that govnet accepts.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
/** The alphabet as a list of its 31 characters. */
export const USCC_CHARACTERS: readonly string[] = Array.from(USCC_ALPHABET)
export const USCC_LENGTH = 18

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const
const MODULUS = USCC_ALPHABET.length
/** Positions (1-based) 3–8 hold the registering authority's six-digit division code. */
const DIVISION_CODE_POSITIONS = {first: 3, last: 8} as const

/**
 * Registration authorities (character 1) and the organisation types (character 2) each registers.
 * GB 32100-2015 tables 1 and 2 give 1 机构编制, 5 民政, 9 工商 and Y 其他; the other authorities were
 * assigned codes under the same standard as their registries joined the system.
 */
export const USCC_AUTHORITIES: Readonly<Record<string, {name: string; types: Readonly<Record<string, string>>}>> = {
  '1': {
    name: '机构编制',
    types: {'1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他'},
  },
  '2': {name: '外交', types: {'1': '外国常驻新闻机构', '9': '其他'}},
  '3': {
    name: '司法行政',
    types: {
      '1': '律师执业机构',
      '2': '公证处',
      '3': '基层法律服务所',
      '4': '司法鉴定机构',
      '5': '仲裁委员会',
      '9': '其他',
    },
  },
  '4': {name: '文化', types: {'1': '外国在华文化中心', '9': '其他'}},
  '5': {name: '民政', types: {'1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他'}},
  '6': {
    name: '旅游',
    types: {'1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他'},
  },
  '7': {name: '宗教', types: {'1': '宗教活动场所', '2': '宗教院校', '9': '其他'}},
  '8': {name: '工会', types: {'1': '基层工会', '9': '其他'}},
  '9': {name: '工商', types: {'1': '企业', '2': '个体工商户', '3': '农民专业合作社'}},
  A: {name: '中央军委改革和编制办公室', types: {'1': '军队事业单位', '9': '其他'}},
  N: {name: '农业', types: {'1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他'}},
  Y: {name: '其他', types: {'1': '其他'}},
}

/** First two digits of GB/T 2260 codes: the provinces, autonomous regions, municipalities, Taiwan, Hong Kong and Macao. */
export const PROVINCE_PREFIXES: ReadonlySet<string> = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '),
)
/** Characters 3–8 of bodies registered at national level (e.g. the ministries, 111000000…). */
export const NATIONAL_DIVISION_CODE = '100000'

/** Government bodies (机关) register with the organisation-establishment authority: code 1, type 1. */
export const GOVERNMENT_BODY_PREFIX = '11'

/**
 * The registering authority's division (characters 3–8, GB/T 2260) in the short NBS form govnet
 * keeps codes in: 440000 → "44", 440100 → "4401", 440103 → "440103" (GB/T 2260 and the NBS codes
 * agree on the first six digits). Undefined for a national registration (100000) or characters
 * that are not six digits.
 */
export function usccDivisionCode(code: string): string | undefined {
  const division = code.slice(DIVISION_CODE_POSITIONS.first - 1, DIVISION_CODE_POSITIONS.last)
  if (!/^\d{6}$/.test(division) || division === NATIONAL_DIVISION_CODE) return undefined
  if (division.endsWith('0000')) return division.slice(0, 2)
  return division.endsWith('00') ? division.slice(0, 4) : division
}

/** Removes spaces and hyphens, trims and upper-cases: the canonical form stored in the inventory. */
export function normalizeUscc(code: string): string {
  return code.replace(/[ -]/g, '').trim().toUpperCase()
}

/** The check character for the first 17 characters of a code (which must all be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== USCC_LENGTH - 1)
    throw new RangeError(`expected ${USCC_LENGTH - 1} characters, got ${first17.length}`)
  let sum = 0
  WEIGHTS.forEach((weight, i) => {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i))
    if (value < 0) throw new RangeError(`"${first17.charAt(i)}" is not in the USCC alphabet`)
    sum += value * weight
  })
  return USCC_ALPHABET.charAt((MODULUS - (sum % MODULUS)) % MODULUS)
}

const list = (codes: readonly string[]) => codes.join(', ')

/**
 * What is wrong with a code (already normalized), or undefined when it is valid. The message
 * names the offending position and character, or the check character that was expected.
 */
export function usccProblem(code: string): string | undefined {
  if (code.length !== USCC_LENGTH) return msg.usccLength(code, code.length, USCC_LENGTH)
  for (let i = 0; i < code.length; i++) {
    if (!USCC_ALPHABET.includes(code.charAt(i))) return msg.usccCharacter(code, i + 1, code.charAt(i))
  }
  const [registrar, type] = [code.charAt(0), code.charAt(1)]
  const authority = Object.hasOwn(USCC_AUTHORITIES, registrar) ? USCC_AUTHORITIES[registrar] : undefined
  if (!authority) return msg.usccAuthority(code, registrar, list(Object.keys(USCC_AUTHORITIES)))
  if (!Object.hasOwn(authority.types, type))
    return msg.usccOrganisationType(code, type, `${registrar} ${authority.name}`, list(Object.keys(authority.types)))
  for (let i = DIVISION_CODE_POSITIONS.first - 1; i < DIVISION_CODE_POSITIONS.last; i++) {
    const ch = code.charAt(i)
    if (ch < '0' || ch > '9')
      return msg.usccDivisionDigit(code, i + 1, ch, DIVISION_CODE_POSITIONS.first, DIVISION_CODE_POSITIONS.last)
  }
  const division = code.slice(DIVISION_CODE_POSITIONS.first - 1, DIVISION_CODE_POSITIONS.last)
  if (division !== NATIONAL_DIVISION_CODE && !PROVINCE_PREFIXES.has(division.slice(0, 2)))
    return msg.usccDivision(code, division)
  const expected = usccCheckCharacter(code.slice(0, USCC_LENGTH - 1))
  const found = code.charAt(USCC_LENGTH - 1)
  return found === expected ? undefined : msg.usccCheck(code, found, expected)
}
