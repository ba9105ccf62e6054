/** The stack operations govnet runs through the Automation API, as tenant_provisioning records them. */
export const PROVISIONING_OPERATIONS = ['preview', 'up', 'destroy', 'refresh'] as const
export type Operation = (typeof PROVISIONING_OPERATIONS)[number]

/** How the last stack operation ended. */
export const OPERATION_OUTCOMES = ['succeeded', 'failed'] as const
export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number]
