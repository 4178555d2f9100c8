-- expect-exit: 3
-- expect-stderr: instruction budget
-- Looping while loading is caught just the same, as a load error.
while true do end
