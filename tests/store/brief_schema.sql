-- The schema exactly as the product brief gives it (an "existing Supabase project").
create table public.users (
  phone text primary key,
  name text,
  preferences jsonb default '{}'::jsonb
);

create table public.appointments (
  id uuid primary key default gen_random_uuid(),
  user_phone text references public.users(phone),
  start_time timestamptz not null,
  end_time timestamptz not null,
  status text default 'booked',
  meta jsonb default '{}'::jsonb
);

create table public.call_summaries (
  id uuid primary key default gen_random_uuid(),
  user_phone text references public.users(phone),
  summary_text text,
  preferences jsonb,
  appointments_in_call jsonb,
  cost_breakdown jsonb,
  timeline jsonb,
  transcript jsonb,
  created_at timestamptz default now()
);
