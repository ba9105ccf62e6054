/**
 * The platform profiles: what govnet runs on an established SSH connection and how it reads the answers.
 * The SSH transport (src/audit) connects and authenticates, then hands the client to `runProfile`.
 */
import type {Client} from 'ssh2'

import {SshError} from '../errors'
import {linuxProfile} from './linux'
import {completeFacts, runExecProfile} from './run'
import type {Platform, Profile, ProfileResult, RunProfileOptions} from './types'

export * from './types'

export const PROFILES: Readonly<Record<Platform, Profile | undefined>> = {
  'huawei-vrp': undefined,
  'h3c-comware': undefined,
  'cisco-ios': undefined,
  linux: linuxProfile,
}

/**
 * Runs the profile of `platform` over `client` and returns the node's facts and every command sent.
 * Rejects with SshError: 'command-timeout' (a command or prompt did not come back in time), 'closed'
 * (the connection dropped), 'command-refused' (no variant of a required command was accepted),
 * 'protocol' (output the profile does not understand).
 */
export async function runProfile(client: Client, platform: Platform | 'auto', options: RunProfileOptions): Promise<ProfileResult> {
  const profile = platform === 'auto' ? linuxProfile : PROFILES[platform]
  if (profile === undefined || profile.transport !== 'exec') {
    throw new SshError('command-refused', `no profile for ${platform} yet`)
  }
  const {draft, commands} = await runExecProfile(client, profile, options)
  return {platform: profile.platform, facts: completeFacts(draft, profile.platform, options.uplinkInterface), commands}
}
