-- expect-exit: 3
-- expect-stderr: must return a table
return function() return 0.5 end
