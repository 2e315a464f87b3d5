-- wrk script for bench/chat/run.sh: POSTs chat turns with varied real questions.
-- Env: CHAT_PATH (/api/v1/bots/{bot_id}/chat), CHAT_KEY (a key with the chat scope),
-- CHAT_QUESTIONS (a file of JSON request bodies {"message": ...}, one a line),
-- FOLLOW_UPS (0..1, default 0: the share of turns that continue a conversation whose
-- previous reply has arrived; the rest start a new conversation, so a new visitor).
-- With FOLLOW_UPS > 0 wrk reads every reply body (to learn conversation ids), which costs
-- wrk some CPU; at 0 no reply is read beyond its status.
local path = os.getenv("CHAT_PATH")
local key = os.getenv("CHAT_KEY")
local questions_file = os.getenv("CHAT_QUESTIONS")
local follow_ups = tonumber(os.getenv("FOLLOW_UPS") or "0")

local bodies = {}
for line in io.lines(questions_file) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
assert(#bodies > 0, "no questions in " .. questions_file)

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. key,
}
local next_question = 0
local open_conversations = {}  -- ids whose last reply has arrived, free to continue

function setup(thread)
  thread:set("thread_offset", math.random(#bodies))
end

function init(args)
  -- Each thread walks the questions from its own place.
  next_question = (thread_offset or 0) % #bodies
end

function request()
  next_question = next_question % #bodies + 1
  local body = bodies[next_question]
  if follow_ups > 0 and #open_conversations > 0 and math.random() < follow_ups then
    local conversation = table.remove(open_conversations)
    body = body:sub(1, -2) .. ',"conversation_id":"' .. conversation .. '"}'
  end
  return wrk.format("POST", path, headers, body)
end

if follow_ups > 0 then
  function response(status, headers, body)
    if status ~= 200 then return end
    local conversation = body:match('"conversation_id":"(cnv_[0-9A-Za-z]+)"')
    -- Keep a bounded pool: old conversations are simply not continued.
    if conversation and #open_conversations < 1000 then
      open_conversations[#open_conversations + 1] = conversation
    end
  end
end
