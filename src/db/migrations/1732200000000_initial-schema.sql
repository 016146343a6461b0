-- Up Migration
-- One schema for both backends. Soft delete (deleted_at) where API.md says so; uniqueness rules of
-- API.md are partial unique indexes so that a soft-deleted row never blocks a new one.

CREATE TABLE vehicles (
  id             uuid PRIMARY KEY,
  user_id        text NOT NULL,
  vin            varchar(17) CHECK (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  make           varchar(50) NOT NULL,
  model          varchar(50) NOT NULL,
  year           integer NOT NULL CHECK (year >= 1900),
  nickname       varchar(100),
  color          varchar(30),
  license_plate  varchar(15),
  odometer       integer NOT NULL DEFAULT 0 CHECK (odometer BETWEEN 0 AND 2000000),
  photo_content_type text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
CREATE INDEX vehicles_user_live_idx ON vehicles (user_id, created_at, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX vehicles_user_vin_live_uniq ON vehicles (user_id, vin) WHERE deleted_at IS NULL AND vin IS NOT NULL;

CREATE TABLE fuel_logs (
  id                uuid PRIMARY KEY,
  user_id           text NOT NULL,
  vehicle_id        uuid NOT NULL REFERENCES vehicles (id),
  date              date NOT NULL,
  odometer          integer NOT NULL CHECK (odometer BETWEEN 0 AND 2000000),
  gallons           numeric(8,3) NOT NULL CHECK (gallons > 0 AND gallons <= 1000),
  price_per_gallon  numeric(6,3) NOT NULL CHECK (price_per_gallon > 0 AND price_per_gallon <= 100),
  total_cost        numeric(12,2) NOT NULL CHECK (total_cost >= 0),
  full_tank         boolean NOT NULL DEFAULT true,
  station_place_id  varchar(255),
  notes             varchar(500),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fuel_logs_user_date_idx ON fuel_logs (user_id, date DESC, odometer DESC);
CREATE INDEX fuel_logs_vehicle_odometer_idx ON fuel_logs (vehicle_id, odometer);

CREATE TABLE saved_stations (
  id           uuid PRIMARY KEY,
  user_id      text NOT NULL,
  place_id     varchar(255) NOT NULL,
  name         varchar(200) NOT NULL,
  address      varchar(500),
  lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng          double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  nickname     varchar(100),
  is_favorite  boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT saved_stations_user_place_uniq UNIQUE (user_id, place_id)
);
CREATE INDEX saved_stations_user_created_idx ON saved_stations (user_id, created_at, id);

CREATE TYPE maintenance_type AS ENUM ('oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery',
  'air_filter', 'transmission_service', 'coolant_flush', 'other');

CREATE TABLE maintenance_records (
  id                    uuid PRIMARY KEY,
  user_id               text NOT NULL,
  vehicle_id            uuid NOT NULL REFERENCES vehicles (id),
  type                  maintenance_type NOT NULL,
  description           varchar(500),
  date                  date NOT NULL,
  odometer              integer CHECK (odometer BETWEEN 0 AND 2000000),
  cost                  numeric(12,2) CHECK (cost >= 0),
  shop                  varchar(100),
  receipt_content_type  text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_records_user_date_idx ON maintenance_records (user_id, date DESC, created_at DESC);
CREATE INDEX maintenance_records_vehicle_type_idx ON maintenance_records (vehicle_id, type, date DESC, odometer DESC);

CREATE TABLE maintenance_schedules (
  id               uuid PRIMARY KEY,
  user_id          text NOT NULL,
  vehicle_id       uuid NOT NULL REFERENCES vehicles (id),
  type             maintenance_type NOT NULL,
  interval_miles   integer CHECK (interval_miles BETWEEN 100 AND 100000),
  interval_months  integer CHECK (interval_months BETWEEN 1 AND 120),
  notes            varchar(500),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT maintenance_schedules_interval_set CHECK (interval_miles IS NOT NULL OR interval_months IS NOT NULL),
  CONSTRAINT maintenance_schedules_vehicle_type_uniq UNIQUE (vehicle_id, type)
);

-- Runtime flag overrides and their audit trail (gateway). Kept here so every gateway instance shares them.
CREATE TABLE feature_flag_overrides (
  feature     text PRIMARY KEY,
  backend     text NOT NULL CHECK (backend IN ('express', 'fastify')),
  changed_by  text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feature_flag_audit (
  id            bigserial PRIMARY KEY,
  feature       text NOT NULL,
  from_backend  text,
  to_backend    text,
  action        text NOT NULL CHECK (action IN ('set', 'clear')),
  changed_by    text NOT NULL,
  changed_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE feature_flag_audit;
DROP TABLE feature_flag_overrides;
DROP TABLE maintenance_schedules;
DROP TABLE maintenance_records;
DROP TYPE maintenance_type;
DROP TABLE saved_stations;
DROP TABLE fuel_logs;
DROP TABLE vehicles;
