/**
 * The MLPS 2.0 policy pack, run by the engine's policy analyzer (`pulumi-analyzer-policy`) when
 * src/provision attaches this directory to preview and up. Constructing the pack starts its gRPC
 * server, so the policies live in ./policies, where tests import them without a pack.
 */
import {PolicyPack} from '@pulumi/policy'

import {POLICIES} from './policies'

new PolicyPack('govnet-mlps', {policies: POLICIES})
