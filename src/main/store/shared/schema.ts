import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { LikenessError } from '../../../shared/errors'
import { defaultSettings } from '../../../shared/api/settings'
import { descriptorDimension } from '../../../shared/api/face'
import { stockEncoder } from '../schema'
import { blobOverhead } from '../crypto/dataKey'

/**
 * Likeness's tables on a shared PostgreSQL server, in a schema of their own (`likeness`) so they
 * sit beside other applications' tables. Each migration takes the schema from one version to the
 * next; `migrate` applies the missing ones in one transaction. Bump by appending, never by editing.
 */
const migrations: readonly string[] = [
  // 0 → 1
  `
  CREATE SCHEMA IF NOT EXISTS likeness;

  CREATE TABLE likeness.schema_version (version integer NOT NULL);
  INSERT INTO likeness.schema_version VALUES (0);

  -- One row: which gallery this is (a desk's mirror belongs to one), which face model made its
  -- templates (templates of different models are not comparable), and the settings every desk shares.
  CREATE TABLE likeness.gallery (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    id uuid NOT NULL,
    encoder text NOT NULL,
    dimension integer NOT NULL,
    tau real NOT NULL CHECK (tau > 0),
    check_in_interval_minutes real NOT NULL CHECK (check_in_interval_minutes >= 0),
    -- Check-ins made before a wipe and sent afterwards (a desk that was offline) are not logged.
    wiped_at timestamptz
  );

  CREATE TABLE likeness.people (
    id text PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL
  );
  CREATE UNIQUE INDEX people_name ON likeness.people (lower(name));

  CREATE TABLE likeness.photos (
    id text PRIMARY KEY,
    person_id text NOT NULL REFERENCES likeness.people ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    photo bytea NOT NULL,
    thumbnail bytea NOT NULL
  );
  CREATE INDEX photos_person ON likeness.photos (person_id);

  -- A template: one row of float32 values (little-endian), and the encoder that made it.
  CREATE TABLE likeness.templates (
    id text PRIMARY KEY,
    person_id text NOT NULL REFERENCES likeness.people ON DELETE CASCADE,
    photo_id text REFERENCES likeness.photos ON DELETE CASCADE,
    encoder text NOT NULL,
    descriptor bytea NOT NULL CHECK (octet_length(descriptor) = ${descriptorDimension * 4})
  );
  CREATE INDEX templates_person ON likeness.templates (person_id);

  -- The attendance log. No foreign key: forgetting a person keeps that they came, not their face.
  CREATE TABLE likeness.check_ins (
    id text PRIMARY KEY,
    person_id text NOT NULL,
    person_name text NOT NULL,
    at timestamptz NOT NULL,
    distance real NOT NULL,
    desk text NOT NULL,
    thumbnail bytea
  );
  CREATE INDEX check_ins_person_at ON likeness.check_ins (person_id, at);
  CREATE INDEX check_ins_at ON likeness.check_ins (at);

  -- What changed in the gallery, in commit order: writers take the gallery lock before drawing an
  -- id, so a desk that has read every change up to N has missed none below it. A desk keeps the
  -- last id it applied (its cursor) and reads only what came after.
  CREATE SEQUENCE likeness.gallery_change_ids;
  CREATE TABLE likeness.gallery_changes (
    id bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL CHECK (kind IN ('person', 'wipe', 'settings')),
    person_id text
  );

  -- One check-in, decided and written in one transaction: concurrent check-ins of one person, from
  -- any desk, queue on the person's lock; an id seen before is not logged again (the desk's queue
  -- may send it twice); a person already logged within the interval, either side, is not logged again.
  CREATE FUNCTION likeness.check_in(p_id text, p_person text, p_name text, p_at_ms double precision, p_distance real, p_desk text, p_thumbnail bytea, p_interval_ms double precision)
  RETURNS text LANGUAGE plpgsql AS $$
  DECLARE
    v_at timestamptz := to_timestamp(p_at_ms / 1000);
    v_interval interval := make_interval(secs => p_interval_ms / 1000);
    v_name text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_person, 0));
    IF EXISTS (SELECT 1 FROM likeness.check_ins WHERE id = p_id) THEN
      RETURN 'already';
    END IF;
    IF EXISTS (SELECT 1 FROM likeness.gallery WHERE wiped_at IS NOT NULL AND v_at <= wiped_at) THEN
      RETURN 'refused';
    END IF;
    IF EXISTS (SELECT 1 FROM likeness.check_ins WHERE person_id = p_person AND at > v_at - v_interval AND at < v_at + v_interval) THEN
      RETURN 'refused';
    END IF;
    SELECT name INTO v_name FROM likeness.people WHERE id = p_person;
    INSERT INTO likeness.check_ins (id, person_id, person_name, at, distance, desk, thumbnail)
    VALUES (p_id, p_person, coalesce(v_name, p_name), v_at, p_distance, p_desk, CASE WHEN v_name IS NOT NULL THEN p_thumbnail END);
    RETURN 'added';
  END $$;
  `,
  // 1 → 2: the log keeps the liveness evidence each check-in was let in on (null before).
  `
  ALTER TABLE likeness.check_ins ADD COLUMN liveness jsonb;

  DROP FUNCTION likeness.check_in(text, text, text, double precision, real, text, bytea, double precision);
  CREATE FUNCTION likeness.check_in(p_id text, p_person text, p_name text, p_at_ms double precision, p_distance real, p_desk text, p_thumbnail bytea, p_interval_ms double precision, p_liveness jsonb)
  RETURNS text LANGUAGE plpgsql AS $$
  DECLARE
    v_at timestamptz := to_timestamp(p_at_ms / 1000);
    v_interval interval := make_interval(secs => p_interval_ms / 1000);
    v_name text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_person, 0));
    IF EXISTS (SELECT 1 FROM likeness.check_ins WHERE id = p_id) THEN
      RETURN 'already';
    END IF;
    IF EXISTS (SELECT 1 FROM likeness.gallery WHERE wiped_at IS NOT NULL AND v_at <= wiped_at) THEN
      RETURN 'refused';
    END IF;
    IF EXISTS (SELECT 1 FROM likeness.check_ins WHERE person_id = p_person AND at > v_at - v_interval AND at < v_at + v_interval) THEN
      RETURN 'refused';
    END IF;
    SELECT name INTO v_name FROM likeness.people WHERE id = p_person;
    INSERT INTO likeness.check_ins (id, person_id, person_name, at, distance, desk, thumbnail, liveness)
    VALUES (p_id, p_person, coalesce(v_name, p_name), v_at, p_distance, p_desk, CASE WHEN v_name IS NOT NULL THEN p_thumbnail END, p_liveness);
    RETURN 'added';
  END $$;
  `,
  // 2 → 3: the biometric columns are sealed under the gallery key (galleryKey.ts, sealedColumns.ts), which the server
  // holds only wrapped by the gallery passphrase: scrypt(passphrase, key_salt, 2^key_log_n, 8, 1).
  // All three are null until a desk seals the gallery; then every photo, thumbnail, descriptor and
  // check-in picture is "LKS1" | nonce | ciphertext | tag, 32 bytes longer than its plaintext.
  `
  ALTER TABLE likeness.gallery
    ADD COLUMN key_salt bytea,
    ADD COLUMN key_log_n smallint,
    ADD COLUMN sealed_key bytea,
    ADD CONSTRAINT gallery_key_whole CHECK ((key_salt IS NULL) = (sealed_key IS NULL) AND (key_salt IS NULL) = (key_log_n IS NULL));

  ALTER TABLE likeness.templates DROP CONSTRAINT templates_descriptor_check;
  ALTER TABLE likeness.templates ADD CONSTRAINT templates_descriptor_length CHECK (octet_length(descriptor) IN (${descriptorDimension * 4}, ${descriptorDimension * 4 + blobOverhead}));

  -- Once the gallery is sealed, the server itself refuses a biometric value that is not a sealed
  -- blob: a desk of an older Likeness still running (it migrated before) cannot write a face in the clear.
  CREATE FUNCTION likeness.refuse_plain_biometrics() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    v_magic constant bytea := decode('4c4b5331', 'hex'); -- "LKS1", the start of every sealed blob
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM likeness.gallery WHERE sealed_key IS NOT NULL) THEN
      RETURN NEW;
    END IF;
    -- One table per branch: plpgsql resolves every field an expression names, whichever table fired.
    IF TG_TABLE_NAME = 'photos' THEN
      IF substring(NEW.photo FROM 1 FOR 4) = v_magic AND substring(NEW.thumbnail FROM 1 FOR 4) = v_magic THEN
        RETURN NEW;
      END IF;
    ELSIF TG_TABLE_NAME = 'templates' THEN
      IF substring(NEW.descriptor FROM 1 FOR 4) = v_magic THEN
        RETURN NEW;
      END IF;
    ELSIF NEW.thumbnail IS NULL OR substring(NEW.thumbnail FROM 1 FOR 4) = v_magic THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'likeness.% holds sealed biometrics only: update Likeness on this desk', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END $$;
  CREATE TRIGGER photos_sealed BEFORE INSERT OR UPDATE ON likeness.photos FOR EACH ROW EXECUTE FUNCTION likeness.refuse_plain_biometrics();
  CREATE TRIGGER templates_sealed BEFORE INSERT OR UPDATE ON likeness.templates FOR EACH ROW EXECUTE FUNCTION likeness.refuse_plain_biometrics();
  CREATE TRIGGER check_ins_sealed BEFORE INSERT OR UPDATE ON likeness.check_ins FOR EACH ROW EXECUTE FUNCTION likeness.refuse_plain_biometrics();
  `
]

const currentServerSchema = migrations.length

/** Two int4 keys: a key space apart from the single-bigint keys of the per-person check-in locks. */
const migrationLock = [0x4c4b4e53, 1] as const
export const galleryLock = [0x4c4b4e53, 2] as const

/**
 * Brings the server's schema to this version. Concurrent desks starting together take turns on
 * the migration lock; a schema newer than this Likeness is refused untouched.
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...migrationLock])
    const exists = await client.query<{ found: boolean }>("SELECT to_regclass('likeness.schema_version') IS NOT NULL AS found")
    const version = exists.rows[0]!.found ? (await client.query<{ version: number }>('SELECT version FROM likeness.schema_version')).rows[0]!.version : 0
    if (version > currentServerSchema) {
      throw new LikenessError('Unsupported', `The shared gallery was set up by a newer Likeness (schema ${version}; this one knows up to ${currentServerSchema}). Update Likeness on this desk.`, {
        version
      })
    }
    for (let next = version; next < currentServerSchema; next++) await client.query(migrations[next]!)
    if (version === 0) {
      await client.query('INSERT INTO likeness.gallery (id, encoder, dimension, tau, check_in_interval_minutes) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        stockEncoder,
        descriptorDimension,
        defaultSettings.tau,
        defaultSettings.checkInIntervalMinutes
      ])
    }
    if (version !== currentServerSchema) await client.query('UPDATE likeness.schema_version SET version = $1', [currentServerSchema])
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
