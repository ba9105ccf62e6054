import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ChangeLog, verifyChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {tempInventory} from '../helpers/inventory'

/**
 * The chain head is written once per write, when it ends, not once per logged row (bulk imports
 * log tens of thousands of rows in one transaction). Against a real SQLite file: the head always
 * matches the log after a commit, a rolled-back nested write, and a bare SQLite transaction.
 */
describe('change-log head, written once per write; bulk rows', () => {
  let inventory: Inventory
  let changeLog: ChangeLog
  let cleanup: () => void

  beforeEach(() => {
    ;({inventory, cleanup} = tempInventory({actor: 'tester'}))
    changeLog = new ChangeLog(inventory)
    // Counts every write of the head row (a temporary trigger: it lives only on this connection).
    inventory.db.exec(`
      CREATE TEMP TABLE head_writes (n INTEGER NOT NULL);
      INSERT INTO temp.head_writes VALUES (0);
      CREATE TEMP TRIGGER count_head_insert AFTER INSERT ON main.change_head BEGIN UPDATE temp.head_writes SET n = n + 1; END;
      CREATE TEMP TRIGGER count_head_update AFTER UPDATE ON main.change_head BEGIN UPDATE temp.head_writes SET n = n + 1; END;`)
  })
  afterEach(() => {
    inventory.close()
    cleanup()
  })

  const headWrites = () => inventory.db.prepare('SELECT n FROM temp.head_writes').pluck().get() as number
  const verify = () => verifyChangeLog(inventory, inventory.changeKey(), inventory.keyFile)
  const record = (id: string) => changeLog.record('node', id, 'create', null, {id})

  it('one write of 1,000 rows writes the head once, and the chain verifies', () => {
    inventory.write(() => {
      for (let i = 0; i < 1000; i++) record(`n${i}`)
    })
    expect(headWrites()).toBe(1)
    const result = verify()
    expect(result).toMatchObject({ok: true, rows: 1000, head: {rows: 1000, lastId: 1000}})
  })

  it('a write that logs nothing writes no head', () => {
    inventory.write(() => undefined)
    expect(headWrites()).toBe(0)
  })

  it('a nested write that rolls back keeps the rows logged before it, with their head', () => {
    inventory.write(() => {
      record('before-1')
      record('before-2')
      expect(() =>
        inventory.write(() => {
          record('inside')
          throw new Error('refused')
        }),
      ).toThrow('refused')
      record('after')
    })
    const result = verify()
    expect(result).toMatchObject({ok: true, rows: 3, head: {rows: 3, lastId: 3}})
    expect(changeLog.list().map((change) => change.entityId)).toEqual(['after', 'before-2', 'before-1'])
  })

  it('a write that throws leaves no rows and the previous head', () => {
    record('kept')
    expect(() =>
      inventory.write(() => {
        record('lost-1')
        record('lost-2')
        throw new Error('refused')
      }),
    ).toThrow('refused')
    expect(verify()).toMatchObject({ok: true, rows: 1, head: {rows: 1, lastId: 1}})
  })

  it('a row logged in a bare SQLite transaction (not through write()) gets its head at once', () => {
    inventory.db.transaction(() => {
      record('bare-1')
      record('bare-2')
    })()
    expect(headWrites()).toBe(2)
    expect(verify()).toMatchObject({ok: true, rows: 2, head: {rows: 2, lastId: 2}})
  })

  it('the next write goes on from a head written at the end of the last one', () => {
    inventory.write(() => record('first'))
    inventory.write(() => {
      record('second')
      record('third')
    })
    expect(headWrites()).toBe(2)
    expect(verify()).toMatchObject({ok: true, rows: 3, head: {rows: 3, lastId: 3}})
  })

  it('recordMany chains its rows as record() does, mixed in one write with single rows, in order', () => {
    inventory.write(() => {
      record('single-1')
      changeLog.recordMany(
        ['bulk-1', 'bulk-2', 'bulk-3'].map((id) => ({
          entity: 'node',
          entityId: id,
          action: 'create',
          before: null,
          after: {id},
        })),
      )
      record('single-2')
    })
    expect(headWrites()).toBe(1)
    expect(verify()).toMatchObject({ok: true, rows: 5, head: {rows: 5, lastId: 5}})
    expect(changeLog.list().map((change) => change.entityId)).toEqual([
      'single-2',
      'bulk-3',
      'bulk-2',
      'bulk-1',
      'single-1',
    ])
    expect(changeLog.list({entityId: 'bulk-2'})[0]).toMatchObject({
      actor: 'tester',
      action: 'create',
      after: {id: 'bulk-2'},
    })
  })

  it('a bulk write that rolls back leaves nothing staged or written', () => {
    expect(() =>
      inventory.write(() => {
        changeLog.recordMany([{entity: 'node', entityId: 'gone', action: 'create', before: null, after: {}}])
        throw new Error('refused')
      }),
    ).toThrow('refused')
    changeLog.recordMany([{entity: 'node', entityId: 'kept', action: 'create', before: null, after: {}}])
    expect(changeLog.list().map((change) => change.entityId)).toEqual(['kept'])
    expect(inventory.db.prepare('SELECT count(*) FROM temp.stage_changes').pluck().get()).toBe(0)
    expect(verify()).toMatchObject({ok: true, rows: 1})
  })
})
