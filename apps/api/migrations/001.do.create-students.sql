-- Students. Databases created by the API before versioned migrations already
-- have this exact table: IF NOT EXISTS makes this a no-op there.
CREATE TABLE IF NOT EXISTS students (
  id bigserial PRIMARY KEY,
  student_number text UNIQUE NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  enrolled_at timestamptz DEFAULT now()
);
