"""The example notices Haven ships, and the words of the receipts, in the clients'
languages: en, fr, ru, uk, ar.

These are data, not screen strings: a notice is read to the client in the client's
language whatever the language of the caseworker's screen, so they are not in the
translation catalogues. The notices are written for a person with little schooling,
read aloud by an interpreter: short sentences, one idea each, no law cited.

XXX: the notices are examples. Each organisation's lawyer must check and adapt them to its
country's law before they are used; until a version of its own is saved, every screen that
shows one says it is an example (``NoticeText.is_example``).
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.vocabulary import Purpose

P = Purpose


@dataclass(frozen=True)
class ExampleNotice:
    key: str
    purposes: tuple[Purpose, ...]
    #: language -> (title, body)
    texts: dict[str, tuple[str, str]]


SHARING = ExampleNotice(
    "sharing",
    (P.referral, P.case_conference, P.return_country_contact),
    {
        "en": (
            "Sharing your information with another organisation",
            "We keep some information about you so that we can help you.\n"
            "We do not give it to anyone without asking you first, unless the law forces "
            "us. If that happens, we will tell you.\n"
            "Today we ask: may we give some of your information to another organisation, "
            "so that they can help you too?\n"
            "We will tell you which organisation, which information, and why.\n"
            "You can say yes or no. If you say no, we still help you in the same way.\n"
            "Your yes lasts until the date we write down. After that, we ask you again.\n"
            "You can change your mind at any time. Tell any of us, in person, by phone or "
            "by message. We stop at once.\n"
            "You can ask to see what we keep about you, and ask us to correct it.",
        ),
        "fr": (
            "Partager vos informations avec une autre organisation",
            "Nous gardons quelques informations sur vous pour pouvoir vous aider.\n"
            "Nous ne les donnons à personne sans vous demander d'abord, sauf si la loi nous "
            "y oblige. Dans ce cas, nous vous le dirons.\n"
            "Aujourd'hui, nous vous demandons : pouvons-nous donner certaines de vos "
            "informations à une autre organisation, pour qu'elle vous aide aussi ?\n"
            "Nous vous dirons quelle organisation, quelles informations et pourquoi.\n"
            "Vous pouvez dire oui ou non. Si vous dites non, nous continuons à vous aider "
            "de la même façon.\n"
            "Votre oui dure jusqu'à la date que nous écrivons. Ensuite, nous vous demandons "
            "à nouveau.\n"
            "Vous pouvez changer d'avis à tout moment. Dites-le à l'un de nous, en personne, "
            "par téléphone ou par message. Nous arrêtons tout de suite.\n"
            "Vous pouvez demander à voir ce que nous gardons sur vous, et nous demander de "
            "le corriger.",
        ),
        "ru": (
            "Передача ваших сведений другой организации",
            "Мы храним некоторые сведения о вас, чтобы помогать вам.\n"
            "Мы никому их не передаём, не спросив вас, кроме случаев, когда этого требует "
            "закон. Если так случится, мы вам скажем.\n"
            "Сегодня мы спрашиваем: можно ли передать часть ваших сведений другой "
            "организации, чтобы она тоже могла вам помочь?\n"
            "Мы скажем, какой организации, какие сведения и зачем.\n"
            "Вы можете сказать «да» или «нет». Если вы скажете «нет», мы будем помогать "
            "вам так же.\n"
            "Ваше «да» действует до даты, которую мы запишем. Потом мы спросим вас снова.\n"
            "Вы можете передумать в любое время. Скажите любому из нас — лично, по "
            "телефону или сообщением. Мы сразу прекратим.\n"
            "Вы можете попросить показать, что мы храним о вас, и попросить исправить "
            "ошибки.",
        ),
        "uk": (
            "Передача ваших відомостей іншій організації",
            "Ми зберігаємо деякі відомості про вас, щоб допомагати вам.\n"
            "Ми нікому їх не передаємо, не запитавши вас, окрім випадків, коли цього "
            "вимагає закон. Якщо так станеться, ми вам скажемо.\n"
            "Сьогодні ми питаємо: чи можна передати частину ваших відомостей іншій "
            "організації, щоб вона теж могла вам допомогти?\n"
            "Ми скажемо, якій організації, які відомості і навіщо.\n"
            "Ви можете сказати «так» або «ні». Якщо ви скажете «ні», ми допомагатимемо "
            "вам так само.\n"
            "Ваше «так» діє до дати, яку ми запишемо. Потім ми запитаємо вас знову.\n"
            "Ви можете передумати будь-коли. Скажіть будь-кому з нас — особисто, "
            "телефоном або повідомленням. Ми одразу припинимо.\n"
            "Ви можете попросити показати, що ми зберігаємо про вас, і попросити виправити "
            "помилки.",
        ),
        "ar": (
            "مشاركة معلوماتك مع منظمة أخرى",
            "نحتفظ ببعض المعلومات عنك لكي نستطيع مساعدتك.\n"
            "لا نعطيها لأحد دون أن نسألك أولاً، إلا إذا أجبرنا القانون على ذلك. إذا حدث "
            "هذا، سنخبرك.\n"
            "اليوم نسألك: هل يمكننا أن نعطي بعض معلوماتك لمنظمة أخرى، لكي تساعدك هي "
            "أيضاً؟\n"
            "سنقول لك أي منظمة، وأي معلومات، ولماذا.\n"
            "يمكنك أن تقول نعم أو لا. إذا قلت لا، نستمر في مساعدتك بالطريقة نفسها.\n"
            "موافقتك تبقى حتى التاريخ الذي نكتبه. بعد ذلك نسألك مرة أخرى.\n"
            "يمكنك أن تغيّر رأيك في أي وقت. أخبر أي واحد منا، وجهاً لوجه أو بالهاتف أو "
            "برسالة. نتوقف فوراً.\n"
            "يمكنك أن تطلب رؤية ما نحتفظ به عنك، وأن تطلب منا تصحيحه.",
        ),
    },
)

AUTHORITIES = ExampleNotice(
    "authorities",
    (P.criminal_proceedings_support, P.nrm_registration),
    {
        "en": (
            "Police, courts and the national referral mechanism",
            "Some help needs information to go to the police, to a court, or to the office "
            "that recognises victims (the national referral mechanism).\n"
            "We only do this if you agree, or if the law forces us. If the law forces us, "
            "we will tell you.\n"
            "We will tell you which office, which information, and why.\n"
            "You can say yes or no. If you say no, we still help you in the same way. You "
            "do not have to speak to the police to get our help.\n"
            "Your yes lasts until the date we write down.\n"
            "You can change your mind at any time. Tell any of us. We stop at once. What "
            "was already sent cannot be taken back, but nothing more will go.\n"
            "You can ask to see what we keep about you.",
        ),
        "fr": (
            "Police, tribunaux et mécanisme national d'orientation",
            "Pour certaines aides, des informations doivent aller à la police, à un "
            "tribunal ou au service qui reconnaît les victimes (le mécanisme national "
            "d'orientation).\n"
            "Nous le faisons seulement si vous êtes d'accord, ou si la loi nous y oblige. "
            "Si la loi nous y oblige, nous vous le dirons.\n"
            "Nous vous dirons quel service, quelles informations et pourquoi.\n"
            "Vous pouvez dire oui ou non. Si vous dites non, nous continuons à vous aider "
            "de la même façon. Vous n'avez pas besoin de parler à la police pour recevoir "
            "notre aide.\n"
            "Votre oui dure jusqu'à la date que nous écrivons.\n"
            "Vous pouvez changer d'avis à tout moment. Dites-le à l'un de nous. Nous "
            "arrêtons tout de suite. Ce qui a déjà été envoyé ne peut pas être repris, "
            "mais plus rien ne partira.\n"
            "Vous pouvez demander à voir ce que nous gardons sur vous.",
        ),
        "ru": (
            "Полиция, суд и национальный механизм перенаправления",
            "Для некоторой помощи нужно передать сведения в полицию, в суд или в службу, "
            "которая признаёт пострадавших (национальный механизм перенаправления).\n"
            "Мы делаем это, только если вы согласны или если этого требует закон. Если "
            "этого требует закон, мы вам скажем.\n"
            "Мы скажем, какой службе, какие сведения и зачем.\n"
            "Вы можете сказать «да» или «нет». Если вы скажете «нет», мы будем помогать "
            "вам так же. Чтобы получать нашу помощь, вам не нужно говорить с полицией.\n"
            "Ваше «да» действует до даты, которую мы запишем.\n"
            "Вы можете передумать в любое время. Скажите любому из нас. Мы сразу "
            "прекратим. То, что уже отправлено, вернуть нельзя, но больше ничего не "
            "уйдёт.\n"
            "Вы можете попросить показать, что мы храним о вас.",
        ),
        "uk": (
            "Поліція, суд і національний механізм перенаправлення",
            "Для деякої допомоги потрібно передати відомості до поліції, до суду або до "
            "служби, яка визнає постраждалих (національний механізм перенаправлення).\n"
            "Ми робимо це, лише якщо ви згодні або якщо цього вимагає закон. Якщо цього "
            "вимагає закон, ми вам скажемо.\n"
            "Ми скажемо, якій службі, які відомості і навіщо.\n"
            "Ви можете сказати «так» або «ні». Якщо ви скажете «ні», ми допомагатимемо "
            "вам так само. Щоб отримувати нашу допомогу, вам не потрібно говорити з "
            "поліцією.\n"
            "Ваше «так» діє до дати, яку ми запишемо.\n"
            "Ви можете передумати будь-коли. Скажіть будь-кому з нас. Ми одразу "
            "припинимо. Те, що вже надіслано, повернути не можна, але більше нічого не "
            "піде.\n"
            "Ви можете попросити показати, що ми зберігаємо про вас.",
        ),
        "ar": (
            "الشرطة والمحاكم والآلية الوطنية للإحالة",
            "بعض المساعدة تحتاج أن تذهب معلومات إلى الشرطة أو إلى محكمة أو إلى المكتب "
            "الذي يعترف بالضحايا (الآلية الوطنية للإحالة).\n"
            "لا نفعل ذلك إلا إذا وافقت، أو إذا أجبرنا القانون. إذا أجبرنا القانون، "
            "سنخبرك.\n"
            "سنقول لك أي مكتب، وأي معلومات، ولماذا.\n"
            "يمكنك أن تقول نعم أو لا. إذا قلت لا، نستمر في مساعدتك بالطريقة نفسها. لا "
            "يجب عليك أن تتكلم مع الشرطة لكي تحصل على مساعدتنا.\n"
            "موافقتك تبقى حتى التاريخ الذي نكتبه.\n"
            "يمكنك أن تغيّر رأيك في أي وقت. أخبر أي واحد منا. نتوقف فوراً. ما أُرسل من "
            "قبل لا يمكن استرجاعه، لكن لن يُرسل شيء آخر.\n"
            "يمكنك أن تطلب رؤية ما نحتفظ به عنك.",
        ),
    },
)

REPORTING = ExampleNotice(
    "reporting_media",
    (P.funder_reporting, P.media),
    {
        "en": (
            "Reports to funders, and journalists",
            "The people who pay for our work sometimes ask for reports. Usually we only "
            "give numbers, with no names.\n"
            "Sometimes they ask about one person. We only do this if you agree.\n"
            "Journalists sometimes ask to speak with people we help. We only pass on such "
            "a request if you agree. We never give your name or where you live. Children "
            "are never put in contact with journalists.\n"
            "You can say yes or no. If you say no, we still help you in the same way.\n"
            "Your yes lasts until the date we write down. You can change your mind at any "
            "time.",
        ),
        "fr": (
            "Rapports aux financeurs, et journalistes",
            "Ceux qui financent notre travail demandent parfois des rapports. En général, "
            "nous donnons seulement des chiffres, sans noms.\n"
            "Parfois, ils demandent des informations sur une personne. Nous le faisons "
            "seulement si vous êtes d'accord.\n"
            "Des journalistes demandent parfois à parler avec des personnes que nous "
            "aidons. Nous transmettons une demande seulement si vous êtes d'accord. Nous "
            "ne donnons jamais votre nom ni l'endroit où vous vivez. Les enfants ne sont "
            "jamais mis en contact avec des journalistes.\n"
            "Vous pouvez dire oui ou non. Si vous dites non, nous continuons à vous aider "
            "de la même façon.\n"
            "Votre oui dure jusqu'à la date que nous écrivons. Vous pouvez changer d'avis "
            "à tout moment.",
        ),
        "ru": (
            "Отчёты для тех, кто нас финансирует, и журналисты",
            "Те, кто платит за нашу работу, иногда просят отчёты. Обычно мы даём только "
            "цифры, без имён.\n"
            "Иногда они спрашивают об одном человеке. Мы делаем это, только если вы "
            "согласны.\n"
            "Журналисты иногда просят поговорить с людьми, которым мы помогаем. Мы "
            "передаём такую просьбу, только если вы согласны. Мы никогда не называем ваше "
            "имя и не говорим, где вы живёте. Детей никогда не знакомим с журналистами.\n"
            "Вы можете сказать «да» или «нет». Если вы скажете «нет», мы будем помогать "
            "вам так же.\n"
            "Ваше «да» действует до даты, которую мы запишем. Вы можете передумать в любое "
            "время.",
        ),
        "uk": (
            "Звіти для тих, хто нас фінансує, і журналісти",
            "Ті, хто платить за нашу роботу, іноді просять звіти. Зазвичай ми даємо лише "
            "цифри, без імен.\n"
            "Іноді вони питають про одну людину. Ми робимо це, лише якщо ви згодні.\n"
            "Журналісти іноді просять поговорити з людьми, яким ми допомагаємо. Ми "
            "передаємо таке прохання, лише якщо ви згодні. Ми ніколи не називаємо вашого "
            "імені і не кажемо, де ви живете. Дітей ніколи не знайомимо з журналістами.\n"
            "Ви можете сказати «так» або «ні». Якщо ви скажете «ні», ми допомагатимемо "
            "вам так само.\n"
            "Ваше «так» діє до дати, яку ми запишемо. Ви можете передумати будь-коли.",
        ),
        "ar": (
            "التقارير للجهات الممولة، والصحفيون",
            "الجهات التي تدفع تكاليف عملنا تطلب أحياناً تقارير. عادةً نعطي أرقاماً فقط، "
            "بدون أسماء.\n"
            "أحياناً يسألون عن شخص واحد. لا نفعل ذلك إلا إذا وافقت.\n"
            "يطلب الصحفيون أحياناً التحدث مع أشخاص نساعدهم. لا ننقل مثل هذا الطلب إلا إذا "
            "وافقت. لا نعطي اسمك أبداً ولا مكان سكنك. لا نضع الأطفال أبداً في تواصل مع "
            "الصحفيين.\n"
            "يمكنك أن تقول نعم أو لا. إذا قلت لا، نستمر في مساعدتك بالطريقة نفسها.\n"
            "موافقتك تبقى حتى التاريخ الذي نكتبه. يمكنك أن تغيّر رأيك في أي وقت.",
        ),
    },
)

EXAMPLE_NOTICES = (SHARING, AUTHORITIES, REPORTING)


@dataclass(frozen=True)
class ReceiptWords:
    """A receipt's words in one language. ``{number}`` is the receipt number.

    XXX: a trafficker may search the client's phone or bag: no organisation, service,
    place, date or purpose may ever be added here.
    """

    number: str
    keep: str
    you_may_ask: str
    asks: tuple[str, ...]
    no_change: str
    minimal: str


RECEIPTS: dict[str, ReceiptWords] = {
    "en": ReceiptWords(
        "No. {number}",
        "Keep this number.",
        "With it you may ask, at any time and free of charge:",
        (
            "to see what is written about you;",
            "to correct it;",
            "to stop it being shared;",
            "for a copy.",
        ),
        "Saying no changes nothing for you.",
        "Keep this number. With it you may ask questions or say stop at any time.",
    ),
    "fr": ReceiptWords(
        "N° {number}",
        "Gardez ce numéro.",
        "Avec lui, vous pouvez demander, à tout moment et gratuitement :",
        (
            "de voir ce qui est écrit sur vous ;",
            "de le corriger ;",
            "que ce ne soit plus partagé ;",
            "une copie.",
        ),
        "Dire non ne change rien pour vous.",
        "Gardez ce numéro. Avec lui, vous pouvez poser des questions ou dire stop à tout moment.",
    ),
    "ru": ReceiptWords(
        "№ {number}",
        "Сохраните этот номер.",
        "С ним вы можете в любое время и бесплатно попросить:",
        (
            "показать, что о вас записано;",
            "исправить это;",
            "больше никому это не передавать;",
            "дать вам копию.",
        ),
        "Если вы скажете «нет», для вас ничего не изменится.",
        "Сохраните этот номер. С ним вы можете в любое время задать вопрос или сказать «стоп».",
    ),
    "uk": ReceiptWords(
        "№ {number}",
        "Збережіть цей номер.",
        "З ним ви можете будь-коли й безкоштовно попросити:",
        (
            "показати, що про вас записано;",
            "виправити це;",
            "більше нікому це не передавати;",
            "дати вам копію.",
        ),
        "Якщо ви скажете «ні», для вас нічого не зміниться.",
        "Збережіть цей номер. З ним ви можете будь-коли поставити запитання або сказати «стоп».",
    ),
    "ar": ReceiptWords(
        "رقم {number}",
        "احتفظ بهذا الرقم.",
        "بهذا الرقم يمكنك أن تطلب، في أي وقت ومجاناً:",
        (
            "أن ترى ما هو مكتوب عنك؛",
            "أن تصححه؛",
            "أن نتوقف عن مشاركته؛",
            "أن تحصل على نسخة منه.",
        ),
        "إذا قلت لا، لا يتغير شيء بالنسبة لك.",
        "احتفظ بهذا الرقم. به يمكنك أن تسأل أو أن تقول توقفوا في أي وقت.",
    ),
}
