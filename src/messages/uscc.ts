// ---- Problems of a unified social credit code (GB 32100-2015), one line each ----

export const usccLength = (code: string, length: number, expected: number) =>
  `"${code}" has ${length} characters; a unified social credit code has ${expected} (spaces and hyphens are ignored)`

export const usccCharacter = (code: string, position: number, character: string) =>
  `character ${position} "${character}" of ${code} is not allowed: use digits and capital letters except I, O, S, V and Z`

export const usccAuthority = (code: string, character: string, authorities: string) =>
  `character 1 "${character}" of ${code} is not a registration authority (登记管理部门) of GB 32100-2015: use ${authorities}`

export const usccOrganisationType = (code: string, character: string, authority: string, types: string) =>
  `character 2 "${character}" of ${code} is not an organisation type (机构类别) of registration authority ${authority}: use ${types}`

export const usccDivisionDigit = (code: string, position: number, character: string, first: number, last: number) =>
  `character ${position} "${character}" of ${code} must be a digit: characters ${first}–${last} are the registering authority's division code`

export const usccDivision = (code: string, division: string) =>
  `characters 3–8 "${division}" of ${code} are not an administrative division code (GB/T 2260): the first two digits name no province`

export const usccCheck = (code: string, found: string, expected: string) =>
  `check character of ${code} is "${found}", expected "${expected}"`
