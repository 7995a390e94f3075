/**
 * Every command group, in the order the command table registers them.
 */

import type { CommandDef } from './table';
import { connectionCommands } from './connection';
import { stringCommands } from './strings';
import { keyCommands } from './keys';
import { serverCommands } from './server';
import { persistenceCommands } from './persistence';
import { listCommands } from './lists';
import { hashCommands } from './hashes';
import { setCommands } from './sets';
import { zsetCommands } from './zsets';
import { sortCommands } from './sort';
import { pubsubCommands } from './pubsub';
import { transactionCommands } from './transactions';
import { introspectionCommands } from './introspection';
import { dumpCommands } from './dump';

export const ALL_COMMANDS: CommandDef[][] = [connectionCommands, stringCommands, keyCommands, serverCommands, persistenceCommands, listCommands, hashCommands, setCommands, zsetCommands, sortCommands, pubsubCommands, transactionCommands, introspectionCommands, dumpCommands];
