-- Courses and the enrollments of students in them.
CREATE TABLE IF NOT EXISTS courses (
  id bigserial PRIMARY KEY,
  code text UNIQUE NOT NULL,
  title text NOT NULL,
  credits integer NOT NULL CHECK (credits BETWEEN 1 AND 12),
  capacity integer NOT NULL CHECK (capacity > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS enrollments (
  student_id bigint NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (student_id, course_id)
);

-- The primary key serves "a student's courses"; this serves "a course's students" and its count.
CREATE INDEX IF NOT EXISTS enrollments_course_id_idx ON enrollments (course_id);
